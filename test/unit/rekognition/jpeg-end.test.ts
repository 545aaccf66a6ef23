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
};

describe('the fixtures', () => {
  it('are real JPEGs, and the trailers are where the tests need them', () => {
    expect(primary.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(bigSecond.length).toBeGreaterThan(64 * 1024);
    const straddle = fixtures['motion-straddle.jpg'];
    expect(straddle.subarray(4086, 4088)).toEqual(Buffer.from([0xff, 0xe1]));
    const head = { hints: [], frameAt: 0 };
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
