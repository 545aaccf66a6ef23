import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageChecker } from '../../../src/domain/rekognition/images/image-checker.js';
import { checkImagesAhead } from '../../../src/domain/rekognition/images/image-checks.js';
import { splitPieceBytes } from '../../../src/domain/rekognition/manifest/split-lines.js';
import { jpegFrame, pngHeader, sniffFormat } from '../../../src/domain/rekognition/images/image-header.js';
import { imageFindings } from '../../../src/domain/rekognition/images/image-rules.js';
import { decideOnBytes, jpegCompleteInBytes } from '../../../src/domain/rekognition/images/jpeg-end.js';
import { pngComplete } from '../../../src/domain/rekognition/images/png-end.js';
import { FolderObjectStore } from '../../../src/object-store/folder-object-store.js';
import type { ObjectRange, ObjectRef } from '../../../src/object-store/object-store.js';
import { GIF, jpeg, png } from '../../harness/images.js';

describe('image headers', () => {
  it('reads a PNG IHDR', () => {
    const file = png(640, 480);
    expect(sniffFormat(file)).toBe('PNG');
    expect(pngHeader(file)).toEqual({ kind: 'image', format: 'PNG', width: 640, height: 480 });
    expect(decideOnBytes(file, pngComplete(file.length))).toBe(true);
  });

  it('rejects a PNG with a corrupt or truncated header', () => {
    const file = png(640, 480);
    const corrupt = Buffer.from(file);
    corrupt[17] ^= 0x40; // width changed after the CRC was computed
    expect(pngHeader(corrupt)).toMatchObject({ kind: 'invalid', detail: expect.stringContaining('checksum') });
    expect(pngHeader(file.subarray(0, 20))).toMatchObject({ kind: 'invalid', detail: expect.stringContaining('truncated') });
    const noIhdr = Buffer.from(file);
    noIhdr.write('IDAT', 12, 'latin1');
    expect(pngHeader(noIhdr)).toMatchObject({ kind: 'invalid' });
    const cut = file.subarray(0, file.length - 12);
    expect(decideOnBytes(cut, pngComplete(cut.length))).toBe(false);
  });

  it('walks JPEG segments to the frame header', () => {
    const file = jpeg(1024, 768);
    expect(sniffFormat(file)).toBe('JPEG');
    expect(jpegFrame(file, 0, 2, file.length)).toEqual({ kind: 'image', format: 'JPEG', width: 1024, height: 768 });
    expect(jpegCompleteInBytes(file, { hints: [], dataFrom: 0 })).toBe(true);
  });

  it('asks for more bytes when the frame header is past the window', () => {
    const file = jpeg(300, 200, { exifBytes: 20_000 });
    const first = jpegFrame(file.subarray(0, 4096), 0, 2, file.length);
    expect(first.kind).toBe('need');
    if (first.kind !== 'need') return;
    expect(first.offset).toBeGreaterThan(20_000);
    expect(jpegFrame(file.subarray(first.offset, first.offset + 4096), first.offset, first.offset, file.length))
      .toEqual({ kind: 'image', format: 'JPEG', width: 300, height: 200 });
  });

  it('rejects JPEGs without a frame header or cut short', () => {
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0, 0xff, 0xd9]);
    expect(jpegFrame(noFrame, 0, 2, noFrame.length)).toMatchObject({ kind: 'invalid' });
    const file = jpeg(300, 200);
    const cut = file.subarray(0, 30);
    expect(jpegFrame(cut, 0, 2, cut.length)).toMatchObject({ kind: 'invalid', detail: expect.stringContaining('truncated') });
    const garbage = Buffer.from(file);
    garbage[20] = 0x12; // where the next marker should be
    expect(jpegFrame(garbage, 0, 2, garbage.length)).toMatchObject({ kind: 'invalid', detail: expect.stringContaining('corrupt') });
  });

  it('names other formats', () => {
    expect(sniffFormat(GIF)).toEqual({ other: 'a GIF image' });
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ other: 'a WebP image' });
    expect(sniffFormat(Buffer.from('{"not":"an image"}'))).toEqual({ other: 'not a PNG or JPEG image' });
    expect(sniffFormat(Buffer.alloc(0))).toEqual({ other: 'empty' });
  });
});

describe('image rules (AWS: PNG/JPEG, 15 MB, 64..4096 px, 20:1)', () => {
  const image = (width: number, height: number, format: 'PNG' | 'JPEG' = 'PNG') => ({ kind: 'image' as const, format, width, height, complete: true });
  const codes = (findings: { code: string }[]) => findings.map((f) => f.code);
  const plain = { declaredSizes: [] };
  const boxes = (width: number, height: number) => ({ declaredSizes: [{ width, height }] });

  it('accepts the bounds themselves', () => {
    expect(imageFindings(image(64, 64), plain)).toEqual([]);
    expect(imageFindings(image(4096, 4096), plain)).toEqual([]);
    expect(imageFindings(image(1280, 64), plain)).toEqual([]); // exactly 20:1
  });

  it('sides out of range: ERROR_INVALID_IMAGE, or _DIMENSION for images with boxes', () => {
    expect(codes(imageFindings(image(63, 100), plain))).toEqual(['ERROR_INVALID_IMAGE']);
    expect(codes(imageFindings(image(4097, 100), plain))).toEqual(['ERROR_INVALID_IMAGE']);
    expect(codes(imageFindings(image(63, 100), boxes(63, 100)))).toEqual(['ERROR_INVALID_IMAGE_DIMENSION']);
  });

  it('aspect ratio over 20:1', () => {
    expect(imageFindings(image(1281, 64), plain)).toEqual([{ code: 'ERROR_INVALID_IMAGE', detail: expect.stringContaining('20:1') }]);
  });

  it('image_size must be the real size (a JPEG may be rotated)', () => {
    expect(codes(imageFindings(image(640, 480), boxes(641, 480)))).toEqual(['ERROR_INVALID_IMAGE_DIMENSION']);
    expect(codes(imageFindings(image(640, 480, 'JPEG'), boxes(480, 640)))).toEqual([]);
    expect(codes(imageFindings(image(640, 480, 'PNG'), boxes(480, 640)))).toEqual(['ERROR_INVALID_IMAGE_DIMENSION']);
    expect(codes(imageFindings(image(6000, 480), boxes(100, 100)))).toEqual(['ERROR_INVALID_IMAGE_DIMENSION']);
  });

  it('missing (or not readable), too large, unreadable, truncated', () => {
    expect(codes(imageFindings({ kind: 'missing' }, plain))).toEqual(['ERROR_INVALID_IMAGE']);
    expect(codes(imageFindings({ kind: 'too-large', bytes: 16 * 1024 * 1024 }, boxes(100, 100)))).toEqual(['ERROR_INVALID_IMAGE']);
    expect(codes(imageFindings({ kind: 'unreadable', detail: 'x' }, plain))).toEqual(['ERROR_INVALID_IMAGE']);
    expect(imageFindings({ ...image(100, 100), complete: false }, plain)).toEqual([{ code: 'ERROR_INVALID_IMAGE', detail: expect.stringContaining('truncated') }]);
  });
});

describe('image checker over a folder store', () => {
  let root: string;
  let reads: ObjectRef[];
  let checker: ImageChecker;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trove-images-'));
    mkdirSync(join(root, 'imgs'));
    const put = (key: string, body: Buffer) => writeFileSync(join(root, 'imgs', key), body);
    put('ok.png', png(640, 480));
    put('far.jpg', jpeg(800, 600, { exifBytes: 150_000 }));
    put('small.png', png(32, 32));
    put('huge.png', png(100, 100, { padding: 15 * 1024 * 1024 }));
    put('cat.gif', GIF);
    put('text.jpg', Buffer.from('hello, not an image'));
    const full = png(640, 480, { padding: 8000 });
    put('cut.png', full.subarray(0, full.length - 100));
    put('empty.png', Buffer.alloc(0));
    const store = new FolderObjectStore(root);
    reads = [];
    const counting = Object.assign(Object.create(store) as FolderObjectStore, {
      readRange: (ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> => {
        reads.push(ref);
        return store.readRange(ref, offset, length);
      },
    });
    checker = new ImageChecker(counting);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const check = (key: string, declared: { width: number; height: number }[] = [], bucket = 'imgs') =>
    checker.check(`s3://${bucket}/${key}`, { declaredSizes: declared });

  it('passes good images, JPEG frame headers deep in the file included', async () => {
    expect(await check('ok.png', [{ width: 640, height: 480 }])).toEqual([]);
    expect(await check('far.jpg')).toEqual([]);
  });

  it('reads only headers and trailers', async () => {
    reads.length = 0;
    await check('huge.png');
    expect(reads).toHaveLength(1); // the size is known from the first read: 15 MB+ is never read on
    reads.length = 0;
    await check('ok.png');
    expect(reads.length).toBeLessThanOrEqual(2);
  });

  it('finds each kind of bad image', async () => {
    const detail = async (key: string) => (await check(key))?.map((f) => `${f.code}: ${f.detail}`);
    expect(await detail('missing.png')).toEqual(['ERROR_INVALID_IMAGE: The object does not exist or this account may not read it.']);
    expect(await detail('small.png')).toEqual([expect.stringMatching(/^ERROR_INVALID_IMAGE: The image is 32x32 pixels/)]);
    expect(await detail('huge.png')).toEqual([expect.stringMatching(/^ERROR_INVALID_IMAGE: The object is \d+ bytes/)]);
    expect(await detail('cat.gif')).toEqual(['ERROR_INVALID_IMAGE: The object is a GIF image; only PNG and JPEG are supported.']);
    expect(await detail('text.jpg')).toEqual(['ERROR_INVALID_IMAGE: The object is not a PNG or JPEG image; only PNG and JPEG are supported.']);
    expect(await detail('cut.png')).toEqual(['ERROR_INVALID_IMAGE: The PNG file is truncated (its end marker is missing).']);
    expect(await detail('empty.png')).toEqual(['ERROR_INVALID_IMAGE: The object is empty.']);
  });

  it('leaves images in buckets the store does not have unchecked, asking once per bucket', async () => {
    reads.length = 0;
    // Even when the checks run concurrently, the others wait for the first answer about the bucket.
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => check(`${name}.png`, [], 'elsewhere')));
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
    expect(await check('e.png', [], 'elsewhere')).toBeUndefined();
    expect(reads).toHaveLength(1);
  });
});

describe('checkImagesAhead', () => {
  // Lines come as bytes cut from a job's payload pieces (decoded only when needed).
  const asBytes = (lines: string[]) => {
    const blob = Buffer.from(lines.join('\n'));
    return splitPieceBytes([blob.subarray(0, 7), blob.subarray(7, 50), blob.subarray(50)]);
  };
  it('checks the first line of each source-ref, and skips lines in missing buckets unvalidated', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trove-images-'));
    try {
      mkdirSync(join(root, 'imgs'));
      writeFileSync(join(root, 'imgs', 'ok.png'), png(100, 100));
      const line = (ref: string, extra = '') => `{"source-ref":"${ref}"${extra}}`;
      const checker = new ImageChecker(new FolderObjectStore(root));
      const lines = [
        line('s3://nowhere/a.png'),
        line('s3://imgs/ok.png'),
        line('s3://imgs/missing.png'),
        line('s3://imgs/missing.png', ',"again":1'),
        // Unparseable, but in a bucket known to be missing: skipped, not even parsed.
        '{"source-ref":"s3://nowhere/b.png", oops',
        // Spaces around the colon, and a key that only looks like a source-ref inside a string.
        '{"note":"\\"source-ref\\":\\"s3://nowhere/x\\"", "source-ref" :\t"s3://imgs/spaced.png"}',
        // Two "source-ref" keys: the line's source-ref is the last (JSON.parse), so the first one
        // (here in a missing bucket) must not get the line skipped unchecked.
        '{"source-ref":"s3://nowhere/c.png","source-ref":"s3://imgs/duplicate.png"}',
        '{"meta":{"source-ref":"s3://nowhere/d.png"},"source-ref":"s3://imgs/nested.png"}',
      ];
      const check = await checkImagesAhead(asBytes(lines), checker, 4);
      const entry = (ref: string) => ({ sourceRef: ref, line: line(ref), isLabeled: false, hasErrors: false, labels: [] });
      const answers = await check(['s3://imgs/ok.png', 's3://imgs/missing.png', 's3://nowhere/a.png', 's3://imgs/spaced.png', 's3://imgs/duplicate.png', 's3://imgs/nested.png'].map(entry));
      const missing = [{ code: 'ERROR_INVALID_IMAGE', detail: 'The object does not exist or this account may not read it.' }];
      expect(answers).toEqual([undefined, missing, undefined, missing, missing, missing]);
      expect(checker.knownUnreachable('nowhere')).toBe(true);
      expect(checker.knownUnreachable('imgs')).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('tells apart buckets whose names have the same length, line after line', async () => {
    // The bucket hint reuses the name of the line before when its bytes are the same: a bucket of
    // the same length but other bytes (`imgz` after `imgs`) is its own.
    const root = mkdtempSync(join(tmpdir(), 'trove-images-'));
    try {
      mkdirSync(join(root, 'imgs'));
      writeFileSync(join(root, 'imgs', 'ok.png'), png(100, 100));
      const line = (ref: string) => `{"source-ref":"${ref}"}`;
      const checker = new ImageChecker(new FolderObjectStore(root));
      const refs = ['s3://imgz/a.png', 's3://imgs/ok.png', 's3://imgs/gone.png', 's3://imgz/b.png', 's3://imgs/gone2.png'];
      const check = await checkImagesAhead(asBytes(refs.map(line)), checker, 4);
      const entry = (ref: string) => ({ sourceRef: ref, line: line(ref), isLabeled: false, hasErrors: false, labels: [] });
      const missing = [{ code: 'ERROR_INVALID_IMAGE', detail: 'The object does not exist or this account may not read it.' }];
      expect(await check(['s3://imgs/ok.png', 's3://imgs/gone.png', 's3://imgs/gone2.png', 's3://imgz/a.png', 's3://imgz/b.png'].map(entry)))
        .toEqual([undefined, missing, missing, undefined, undefined]);
      expect(checker.knownUnreachable('imgz')).toBe(true);
      expect(checker.knownUnreachable('imgs')).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
