import { describe, expect, it } from 'vitest';
import { CHUNK_IDS, chunkOf, decodeIds, encodeIds, intersect, windowBuckets } from '../../../src/store/sql/source-ref-chunks.js';

describe('the ordered substring index\'s encoding (PostgreSQL)', () => {
  it('hashes windows the same on every machine and release: stored postings depend on it', () => {
    // Changing the hash or the fold would leave every stored row under the wrong bucket.
    expect(windowBuckets('/f07/')).toEqual([11712]);
    expect(windowBuckets('img-00001')).toEqual([14393, 11340, 11903, 9432, 6503]);
    expect(windowBuckets('abcd')).toEqual([]);
  });

  it('takes windows of code points, so a substring\'s windows are windows of every source-ref that contains it', () => {
    const text = 'ünï/%_\\x-€😀z';
    const sourceRef = `s3://b/${text}.jpg`;
    const all = new Set(windowBuckets(sourceRef));
    for (const bucket of windowBuckets(text)) expect(all.has(bucket)).toBe(true);
    // Five code points: one window, whatever their UTF-8 length.
    expect(windowBuckets('😀😀😀😀😀')).toHaveLength(1);
    expect(windowBuckets('😀😀😀😀')).toEqual([]);
  });

  it('decodes what it encodes, segments appended later included', () => {
    const chunk = 7;
    const start = chunk * CHUNK_IDS;
    const first = [start + 1, start + 2, start + 300, start + 4000];
    const later = [start + 4001, start + CHUNK_IDS];
    expect(decodeIds(chunk, encodeIds(chunk, first))).toEqual(first);
    const appended = Buffer.concat([encodeIds(chunk, first), Buffer.from([0]), encodeIds(chunk, later)]);
    expect(decodeIds(chunk, appended)).toEqual([...first, ...later]);
    expect(chunkOf(start + 1)).toBe(chunk);
    expect(chunkOf(start + CHUNK_IDS)).toBe(chunk);
    expect(chunkOf(start + CHUNK_IDS + 1)).toBe(chunk + 1);
  });

  it('intersects ascending lists', () => {
    expect(intersect([1, 3, 5, 7], [2, 3, 4, 7, 9])).toEqual([3, 7]);
    expect(intersect([], [1])).toEqual([]);
  });
});
