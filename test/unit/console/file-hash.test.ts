import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HASH_CHUNK, hashHex } from '../../../console/src/lib/file-hash.js';

/** Bytes that differ from chunk to chunk, so a chunk hashed twice or skipped changes the digest. */
function file(bytes: number): Uint8Array {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
  return data;
}

describe('hashHex: the SHA-256 a streamed upload is signed by, read a chunk at a time', () => {
  it('is the file\'s SHA-256 across chunk boundaries, reporting each chunk read, one chunk in memory at a time', async () => {
    for (const size of [0, 1, HASH_CHUNK, 2 * HASH_CHUNK + 3]) {
      const data = file(size);
      const slices: number[] = [];
      const blob = new Blob([data]);
      // Every read goes through slice() of at most one chunk: the file is never read whole.
      const spied = {
        size: blob.size,
        slice: (start: number, end: number) => {
          slices.push(end - start);
          return blob.slice(start, end);
        },
        arrayBuffer: () => { throw new Error('read whole'); },
      } as unknown as Blob;
      const read: number[] = [];
      expect(await hashHex(spied, undefined, (n) => read.push(n))).toBe(createHash('sha256').update(data).digest('hex'));
      expect(read).toEqual(slices.map((_, i) => Math.min(size, (i + 1) * HASH_CHUNK)));
      expect(Math.max(0, ...slices)).toBeLessThanOrEqual(HASH_CHUNK);
    }
  });

  it('stops between chunks when its signal is aborted (Stop while preparing)', async () => {
    const controller = new AbortController();
    const read: number[] = [];
    const hashing = hashHex(new Blob([file(3 * HASH_CHUNK)]), controller.signal, (n) => {
      read.push(n);
      controller.abort();
    });
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' });
    expect(read).toEqual([HASH_CHUNK]);
  });
});
