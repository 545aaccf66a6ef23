import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageChecker } from '../../../src/domain/rekognition/images/image-checker.js';
import { headerOfBytes } from '../../../src/domain/rekognition/images/image-header.js';
import type { ByteRange } from '../../../src/domain/rekognition/images/jpeg-end.js';
import { pngComplete } from '../../../src/domain/rekognition/images/png-end.js';
import { FolderObjectStore } from '../../../src/object-store/folder-object-store.js';
import type { ObjectRange, ObjectRef } from '../../../src/object-store/object-store.js';
import { noisyPng, png } from '../../harness/images.js';
import { noise } from '../../harness/phone-jpegs.js';

// PNGs with data after their IEND chunk (padding, appended metadata, a second file) are whole
// images; PNGs cut short are not, and no hostile tail makes the decision read more than twice.

const TRUNCATED = 'The PNG file is truncated (its end marker is missing).';
const IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

const image = noisyPng(200 * 1024);
const fixtures: Record<string, Buffer> = {
  'plain.png': image,
  'padding-2k.png': Buffer.concat([image, Buffer.alloc(2 * 1024)]),
  'metadata-60k.png': Buffer.concat([image, noise(60 * 1024, 11)]),
  // A second PNG appended whole: the first one's IEND is followed by a whole file.
  'polyglot.png': Buffer.concat([image, png(100, 100, { padding: 30_000 })]),
  'small-with-trailer.png': Buffer.concat([png(100, 100), noise(3000, 5)]),
};
const cut: Record<string, Buffer> = {
  'half.png': image.subarray(0, Math.floor(image.length / 2)),
  'last-byte-missing.png': image.subarray(0, image.length - 1),
  // Cut mid-data, then zero-filled (a preallocated download that stopped).
  'half-then-zeros.png': Buffer.concat([image.subarray(0, Math.floor(image.length / 2)), Buffer.alloc(20 * 1024)]),
  // The chunk type and CRC without the zero length before it is no IEND chunk.
  'bare-type.png': Buffer.concat([image.subarray(0, Math.floor(image.length / 2)), IEND_CHUNK.subarray(4), Buffer.alloc(3)]),
  // The IEND is further from the end than the 64 KB Trove scans (documented as reported truncated).
  'trailer-100k.png': Buffer.concat([image, noise(100 * 1024, 13)]),
  // Hostile: the tail is full of near-IEND markers (the type and CRC, over and over, never a whole chunk).
  'fake-markers.png': Buffer.concat([image.subarray(0, 100_000), Buffer.alloc(64 * 1024, Buffer.from('IEND\xaeB`\x82\0\0\0', 'latin1'))]),
};

/** Runs the decision over `bytes`, recording the ranges it asks for. */
function decide(bytes: Buffer, size = bytes.length): { whole: boolean; reads: ByteRange[] } {
  const reads: ByteRange[] = [];
  const steps = pngComplete(size);
  for (let step = steps.next(); ; ) {
    if (step.done) return { whole: step.value, reads };
    reads.push(step.value);
    step = steps.next(bytes.subarray(step.value.offset, step.value.offset + step.value.length));
  }
}

describe('pngComplete', () => {
  it.each(Object.keys(fixtures))('takes %s as whole', (name) => {
    expect(decide(fixtures[name]).whole).toBe(true);
    expect(headerOfBytes(fixtures[name])).toMatchObject({ kind: 'image', format: 'PNG' });
  });

  it.each(Object.keys(cut))('reports %s as truncated', (name) => {
    expect(decide(cut[name]).whole).toBe(false);
    expect(headerOfBytes(cut[name])).toEqual({ kind: 'invalid', detail: TRUNCATED });
  });

  it('reads the last 1 KB when the IEND is there, then at most the last 64 KB', () => {
    expect(decide(fixtures['plain.png']).reads).toEqual([{ offset: image.length - 1024, length: 1024 }]);
    const trailer = fixtures['metadata-60k.png'];
    expect(decide(trailer).reads).toEqual([
      { offset: trailer.length - 1024, length: 1024 },
      { offset: trailer.length - 64 * 1024, length: 64 * 1024 },
    ]);
    // A file smaller than 1 KB past its header is read once, from the end of its header.
    const tiny = png(64, 64);
    expect(decide(tiny).reads).toEqual([{ offset: 33, length: tiny.length - 33 }]);
  });

  it('costs two bounded reads whatever the size (a 1 TB object, a tail of fake markers)', () => {
    const huge = decide(Buffer.alloc(0), 2 ** 40);
    expect(huge).toEqual({ whole: false, reads: [{ offset: 2 ** 40 - 1024, length: 1024 }, { offset: 2 ** 40 - 64 * 1024, length: 64 * 1024 }] });
    expect(decide(cut['fake-markers.png']).reads.map((r) => r.length)).toEqual([1024, 64 * 1024]);
  });
});

describe('PNG trailers through the image checker (folder store)', () => {
  let root: string;
  let reads: { offset: number; length: number }[];
  let checker: ImageChecker;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trove-png-end-'));
    mkdirSync(join(root, 'imgs'));
    for (const [key, bytes] of Object.entries({ ...fixtures, ...cut })) writeFileSync(join(root, 'imgs', key), bytes);
    const store = new FolderObjectStore(root);
    reads = [];
    const counting = Object.assign(Object.create(store) as FolderObjectStore, {
      readRange: (ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> => {
        reads.push({ offset, length });
        return store.readRange(ref, offset, length);
      },
    });
    checker = new ImageChecker(counting);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const detail = async (key: string) => (await checker.check(`s3://imgs/${key}`, { declaredSizes: [] }))?.map((f) => `${f.code}: ${f.detail}`);

  it('passes PNGs with trailers and reports cut ones, in at most three reads each', async () => {
    for (const name of Object.keys(fixtures)) {
      reads.length = 0;
      expect([name, await detail(name)]).toEqual([name, []]);
      expect(reads.length).toBeLessThanOrEqual(3);
    }
    for (const name of Object.keys(cut)) {
      reads.length = 0;
      expect([name, await detail(name)]).toEqual([name, [`ERROR_INVALID_IMAGE: ${TRUNCATED}`]]);
      expect(reads.length).toBeLessThanOrEqual(3);
      expect(Math.max(...reads.map((r) => r.length))).toBeLessThanOrEqual(64 * 1024);
    }
  });
});
