import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerOfBytes, jpegFrame } from '../../../src/domain/rekognition/images/image-header.js';
import { ImageChecker } from '../../../src/domain/rekognition/images/image-checker.js';
import { mpfLayout, xmpPrimaryEnds } from '../../../src/domain/rekognition/images/jpeg-end.js';
import { FolderObjectStore } from '../../../src/object-store/folder-object-store.js';
import type { ObjectRange, ObjectRef } from '../../../src/object-store/object-store.js';
import { appSegment, motionPhoto, motionPhotoXmp, mp4Like, mpfFile, noise, realJpeg, withSegments } from '../../harness/phone-jpegs.js';

// JPEGs with data after their end marker (phones' Motion Photos, multi-picture files, padding)
// are whole images; JPEGs cut short are not, whatever metadata they carry.

const TRUNCATED = 'The JPEG file is truncated (its end marker is missing).';

const primary = realJpeg(320, 240);
/** Noise compresses badly: a second image larger than the 64 KB Trove scans at the end. */
const bigSecond = realJpeg(400, 300, true);
const half = (file: Buffer) => file.subarray(0, Math.floor(file.length / 2));
/**
 * A multi-picture file followed by data no signature names (as Samsung's SEF trailer): only the
 * MPF index tells where the primary image ends. (A bare MPF file ends with its last image's EOI.)
 */
const mpfWithTrailer = (first: Buffer) => Buffer.concat([mpfFile(first, bigSecond), noise(5000, 3)]);

const fixtures: Record<string, Buffer> = {
  'plain.jpg': primary,
  'mp4-50k.jpg': Buffer.concat([primary, mp4Like(50 * 1024)]),
  'motion-micro.jpg': motionPhoto(primary, 400 * 1024, 'micro-video'),
  'motion-container.jpg': motionPhoto(primary, 400 * 1024, 'container'),
  'mpf.jpg': mpfWithTrailer(primary),
  // The index lies past the walk's first read, behind a 40 KB EXIF segment.
  'mpf-deep.jpg': mpfWithTrailer(withSegments(primary, appSegment(0xe1, Buffer.alloc(40_000, 0x45)))),
  'zeros.jpg': Buffer.concat([primary, Buffer.alloc(20 * 1024)]),
  // The XMP segment starts 10 bytes before the end of the walk's first 4 KB read: its identifier
  // is not at hand there, so the walk reads on from the segment to classify it.
  'motion-straddle.jpg': Buffer.concat([withSegments(primary, appSegment(0xe1, Buffer.alloc(4080)), motionPhotoXmp(400 * 1024, 'micro-video')), mp4Like(400 * 1024)]),
};
const cut: Record<string, Buffer> = {
  'plain-half.jpg': half(primary),
  'mp4-half.jpg': half(fixtures['mp4-50k.jpg']).subarray(0, primary.length - 100),
  'motion-half.jpg': half(withSegments(primary, motionPhotoXmp(400 * 1024, 'micro-video'))),
  // Cut inside the primary image: the video's offset now points into the image data.
  'motion-cut-in-image.jpg': (() => { const f = fixtures['motion-micro.jpg']; return Buffer.concat([f.subarray(0, 3000), f.subarray(f.length - 400 * 1024)]); })(),
  // Cut in the second image: the primary is whole, but the index says the file was longer.
  'mpf-half.jpg': half(fixtures['mpf.jpg']),
  // The MPF index of a bigger primary than the file holds.
  'mpf-cut-in-image.jpg': fixtures['mpf.jpg'].subarray(0, primary.length - 500),
  // Cut mid-scan, then zero-filled (a preallocated download that stopped).
  'half-then-zeros.jpg': Buffer.concat([half(primary), Buffer.alloc(20 * 1024)]),
  // Hostile metadata on cut files: a fraction of a byte, an index far past the file.
  // (Zero-filled after the cut, so the fractional end lies past the head's 4 KB: a store read.)
  'xmp-fractional-half.jpg': Buffer.concat([withSegments(half(primary), appSegment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'),
    Buffer.from('<Container:Item Item:Semantic="Primary" Item:Padding="0.25"/><Container:Item Item:Length="1000.5"/>', 'latin1')]))), Buffer.alloc(20 * 1024)]),
  'mpf-primary-past-file.jpg': (() => { const f = Buffer.from(fixtures['mpf.jpg']); f.writeUInt32LE(0xfffffff0, 6 + 4 + 8 + 2 + 3 * 12 + 4 + 4); return f; })(),
};

describe('the fixtures', () => {
  it('are real JPEGs, and the trailers are where the tests need them', () => {
    expect(primary.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(bigSecond.length).toBeGreaterThan(64 * 1024);
    const straddle = fixtures['motion-straddle.jpg'];
    expect(straddle.subarray(4086, 4088)).toEqual(Buffer.from([0xff, 0xe1]));
    const head = { hints: [], dataFrom: 0 };
    expect(jpegFrame(straddle.subarray(0, 4096), 0, 2, straddle.length, head)).toEqual({ kind: 'need', offset: 4086 });
    // The video holds FF D9 pairs of its own, as real video data does, but not in its last 1 KB
    // (else the first, 1 KB, look would already find one).
    const video = mp4Like(400 * 1024);
    expect(video.includes(Buffer.from([0xff, 0xd9]))).toBe(true);
    for (const name of ['mp4-50k.jpg', 'motion-micro.jpg', 'motion-container.jpg', 'mpf.jpg', 'mpf-deep.jpg', 'zeros.jpg', 'motion-straddle.jpg']) {
      expect(fixtures[name].subarray(-1024).includes(Buffer.from([0xff, 0xd9])), name).toBe(false);
    }
  });
});

describe('where the metadata puts the primary image\'s end', () => {
  it('MPF: the first entry\'s size, and the last image\'s end', () => {
    const file = fixtures['mpf.jpg'];
    const data = file.subarray(2 + 4, 2 + file.readUInt16BE(4) + 2);
    expect(mpfLayout(data, 6)).toEqual({ primaryEnd: file.length - 5000 - bigSecond.length, extent: file.length - 5000 });
    expect(mpfLayout(data.subarray(0, 20), 6)).toBeUndefined();
  });

  it('Motion Photo XMP: MicroVideoOffset and Container items', () => {
    const size = 1_000_000;
    for (const form of ['micro-video', 'container'] as const) {
      const segment = motionPhotoXmp(300_000, form);
      expect(xmpPrimaryEnds(segment.subarray(4), size)).toEqual([700_000]);
    }
    // A trailer as long as the file locates nothing.
    expect(xmpPrimaryEnds(motionPhotoXmp(size, 'micro-video').subarray(4), size)).toEqual([]);
  });
});

describe('JPEG truncation on whole bytes (uploads)', () => {
  it.each(Object.keys(fixtures))('%s is whole', (name) => {
    expect(headerOfBytes(fixtures[name])).toMatchObject({ kind: 'image', format: 'JPEG' });
  });
  it.each(Object.keys(cut))('%s is truncated', (name) => {
    expect(headerOfBytes(cut[name])).toEqual({ kind: 'invalid', detail: TRUNCATED });
  });
  it('the limit: an unnamed trailer of over 64 KB with no metadata locating it is reported truncated', () => {
    // The MPF file of above with its index renamed: nothing says where the primary image ends.
    const unindexed = Buffer.concat([mpfFile(primary, bigSecond, 'XXX'), noise(5000, 3)]);
    expect(headerOfBytes(unindexed)).toEqual({ kind: 'invalid', detail: TRUNCATED });
  });
});

describe('JPEG truncation through ranged reads (folder store)', () => {
  let root: string;
  let read: { ranges: number; bytes: number };
  const asked: { name: string; offset: number; length: number; size: number }[] = [];
  let checker: ImageChecker;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trove-jpeg-end-'));
    mkdirSync(join(root, 'imgs'));
    for (const [name, bytes] of Object.entries({ ...fixtures, ...cut })) writeFileSync(join(root, 'imgs', name), bytes);
    const store = new FolderObjectStore(root);
    read = { ranges: 0, bytes: 0 };
    const counting = Object.assign(Object.create(store) as FolderObjectStore, {
      readRange: async (ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> => {
        const range = await store.readRange(ref, offset, length);
        asked.push({ name: ref.key, offset, length, size: range.size });
        read.ranges++;
        read.bytes += range.bytes.length;
        return range;
      },
    });
    checker = new ImageChecker(counting);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const check = (name: string) => checker.check(`s3://imgs/${name}`, { declaredSizes: [{ width: 320, height: 240 }] });

  it.each(Object.keys(fixtures))('%s passes', async (name) => {
    expect(await check(name)).toEqual([]);
  });

  it.each(Object.keys(cut))('%s is truncated', async (name) => {
    expect(await check(name)).toEqual([{ code: 'ERROR_INVALID_IMAGE', detail: TRUNCATED }]);
  });

  it('every read is of whole bytes inside the object, whatever the metadata say', async () => {
    asked.length = 0;
    for (const name of [...Object.keys(fixtures), ...Object.keys(cut)]) await check(name);
    expect(asked.length).toBeGreaterThan(0);
    for (const read of asked) {
      expect(Number.isSafeInteger(read.offset) && Number.isSafeInteger(read.length), JSON.stringify(read)).toBe(true);
      expect(read.offset >= 0 && read.offset < read.size && read.length > 0, JSON.stringify(read)).toBe(true);
    }
  });

  it('reads a bounded part of the file: two ranges for a plain JPEG, a few for a motion photo', async () => {
    const cost = async (name: string) => {
      read.ranges = 0;
      read.bytes = 0;
      await check(name);
      return { ...read };
    };
    expect(await cost('plain.jpg')).toMatchObject({ ranges: 2 });
    // 400 KB of video: the head, the last 1 KB, 1 KB before where the XMP puts the video.
    const motion = await cost('motion-micro.jpg');
    expect(motion.ranges).toBe(3);
    expect(motion.bytes).toBeLessThanOrEqual(4096 + 2 * 1024);
    // A truncated JPEG costs the 64 KB scan of its end on top.
    const truncated = await cost('mpf-half.jpg');
    expect(truncated.bytes).toBeLessThanOrEqual(4096 + 1024 + 64 * 1024);
  });
});

// Hostile input: metadata that lies, numbers that are no byte offsets, XMP shaped to make a
// backtracking regex quadratic. Each gives an answer (whole or truncated), in linear time, and
// never a read at a fraction of a byte or past the object.

const XMP_ID = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
/** An XMP segment's data (identifier + packet) of exactly `length` bytes: `text`, then `fill` repeated. */
const xmpData = (text: string, fill = ' ', length = 65533) => {
  const packet = Buffer.alloc(length - XMP_ID.length, fill, 'latin1');
  packet.write(text, 0, 'latin1');
  return Buffer.concat([XMP_ID, packet]);
};
const container = (primaryAttrs: string, videoAttrs: string) =>
  `<Container:Directory><rdf:Seq><rdf:li><Container:Item Item:Semantic="Primary" ${primaryAttrs}/></rdf:li>`
  + `<rdf:li><Container:Item Item:Semantic="MotionPhoto" ${videoAttrs}/></rdf:li></rdf:Seq></Container:Directory>`;
const micro = (value: string) => `<rdf:Description GCamera:MicroVideoOffset="${value}"/>`;

describe('hostile XMP numbers locate nothing (no fractional, negative or huge end)', () => {
  const size = 1_000_000;
  const cases: [string, string, number[]][] = [
    ['micro: plain integer (control)', micro('300000'), [700_000]],
    ['container: plain integers (control)', container('Item:Padding="8"', 'Item:Length="300000"'), [699_992]],
    ['micro: negative', micro('-300000'), []],
    ['micro: fractional', micro('300000.5'), []],
    ['micro: exponent', micro('3e5'), []],
    ['micro: 11 digits', micro('30000000000'), []],
    ['micro: hex', micro('0x493e0'), []],
    ['container: fractional length', container('Item:Padding="0"', 'Item:Length="300000.5"'), []],
    ['container: negative length', container('Item:Padding="0"', 'Item:Length="-300000"'), []],
    ['container: fractional padding', container('Item:Padding="0.5"', 'Item:Length="300000"'), []],
    ['container: negative padding', container('Item:Padding="-1000"', 'Item:Length="300000"'), []],
    ['container: exponent padding', container('Item:Padding="1e3"', 'Item:Length="300000"'), []],
    ['container: huge length', container('Item:Padding="0"', 'Item:Length="9999999999"'), []],
    ['container: length past the file', container('Item:Padding="0"', 'Item:Length="1000000"'), []],
  ];
  it.each(cases)('%s', (_name, text, ends) => {
    const found = xmpPrimaryEnds(xmpData(text, ' ', XMP_ID.length + text.length), size);
    expect(found).toEqual(ends);
    for (const end of found) expect(Number.isSafeInteger(end)).toBe(true);
  });
});

describe('XMP shaped for regex backtracking: the answer, on a 64 KB segment (5 s limit each)', () => {
  const size = 1_000_000;
  const valid = container('Item:Padding="0"', 'Item:Length="300000"');
  const cases: [string, Buffer, number[]][] = [
    ['an unclosed <Item, a 64 KB word, then an item', xmpData(`<Item ${'a'.repeat(60_000)}><Item x>`), []],
    ['a 64 KB word inside an item', xmpData(`${valid}<Item ${'a'.repeat(60_000)}>`), [700_000]],
    ['thousands of unclosed <Item', xmpData(valid, '<Item '), [700_000]],
    ['thousands of unclosed <x:Item', xmpData('', '<x:Item a '), []],
    ['one 64 KB namespace prefix', xmpData(`<${'a'.repeat(60_000)}:Item Length="1">`), []],
    ['word runs ending in a colon', xmpData(valid, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:'), [700_000]],
    ['Length followed by 64 KB of spaces', xmpData(`<Item Length${' '.repeat(60_000)}x><Item Length="5">`), [999_995]],
    ['MicroVideoOffset then 64 KB of spaces', xmpData(`MicroVideoOffset="${' '.repeat(60_000)}x`), []],
    ['repeated MicroVideoOffset=" openings', xmpData('', 'MicroVideoOffset="1'), []],
  ];
  it.each(cases)('%s', (_name, data, ends) => {
    expect(data.length).toBe(65533);
    expect(xmpPrimaryEnds(data, size)).toEqual(ends);
  }, 5_000);

  it('a truncated JPEG with four such segments is reported truncated', () => {
    const hostile = appSegment(0xe1, xmpData(`<Item ${'a'.repeat(60_000)}><Item x>`));
    const file = withSegments(half(primary), hostile, hostile, hostile, hostile);
    expect(headerOfBytes(file)).toEqual({ kind: 'invalid', detail: TRUNCATED });
  }, 5_000);
});

describe('hostile MPF indexes', () => {
  const file = fixtures['mpf.jpg'];
  const segmentLength = file.readUInt16BE(4);
  const index = () => Buffer.from(file.subarray(6, 4 + segmentLength));
  // Offsets within the index (the TIFF header starts at 4, the IFD at 12, MPEntry's tag at 38).
  const tiff = 4;
  const entries = tiff + 8 + 2 + 3 * 12 + 4;
  const patched = (at: number, value: number) => { const data = index(); data.writeUInt32LE(value, at); return data; };
  const whole = { primaryEnd: file.length - 5000 - bigSecond.length, extent: file.length - 5000 };
  const cases: [string, Buffer, ReturnType<typeof mpfLayout>][] = [
    ['as written (control)', index(), whole],
    ['IFD offset past the segment', patched(tiff + 4, 0xfffffff0), undefined],
    ['MPEntry offset past the segment', patched(tiff + 8 + 2 + 2 * 12 + 8, 0xfffffff0), undefined],
    ['entry count past the segment (the entries there are read)', patched(tiff + 8 + 2 + 2 * 12 + 4, 0xfffffff0), whole],
    ['second image offset past the file', patched(entries + 24, 0xfffffff0), { primaryEnd: whole.primaryEnd, extent: 6 + tiff + 0xfffffff0 + bigSecond.length }],
    ['primary size past the file', patched(entries + 4, 0xfffffff0), { primaryEnd: 0xfffffff0, extent: 0xfffffff0 }],
    ['IFD entry count of 65535', (() => { const data = index(); data.writeUInt16LE(0xffff, tiff + 8); return data; })(), whole],
  ];
  it.each(cases)('%s', (_name, data, layout) => {
    expect(mpfLayout(data, 6)).toEqual(layout);
  });

  it.each([
    ['second image offset past the file', entries + 24],
    ['primary size past the file', entries + 4],
  ])('a file whose index puts an image past its end (%s) is truncated, with no read past the object', async (_name, at) => {
    const bad = Buffer.from(file);
    bad.writeUInt32LE(0xfffffff0, 6 + at);
    expect(headerOfBytes(bad)).toEqual({ kind: 'invalid', detail: TRUNCATED });
  });
});

describe('the frame header\'s own bytes are no end marker', () => {
  it('a file cut after its scan header, with a height of 65497 (FF D9), is truncated', () => {
    const file = Buffer.from(realJpeg(32, 24));
    const head = { hints: [], dataFrom: 0 };
    expect(jpegFrame(file, 0, 2, file.length, head)).toMatchObject({ kind: 'image', width: 32, height: 24 });
    const sof = file.indexOf(Buffer.from([0xff, 0xc0]));
    file.writeUInt16BE(65497, sof + 5);
    const sos = file.indexOf(Buffer.from([0xff, 0xda]));
    const cutShort = file.subarray(0, sos + 2 + file.readUInt16BE(sos + 2) + 10);
    expect(cutShort.length).toBeLessThan(1024);
    expect(headerOfBytes(cutShort)).toEqual({ kind: 'invalid', detail: TRUNCATED });
    // The scan starts after the scan header.
    expect(head.dataFrom).toBe(sos + 2 + file.readUInt16BE(sos + 2));
    // Whole, the same file passes.
    expect(headerOfBytes(file)).toMatchObject({ kind: 'image', height: 65497 });
  });
});
