import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { ByteReader, readTar, tarEnd, tarEntry, tarHeader, tarPadding, TarUnzippedTooLarge } from '../../../src/lib/tar.js';
import { chunksOf, collect } from '../../harness/streams.js';

// The tar reader reads YOLO archives from the object store on the server (StartDatasetImport) and
// export streams in the CLI: hostile archives must cost time in proportion to their bytes.

describe('ByteReader', () => {
  it('hands out exact byte counts across chunk boundaries, and skips', async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    for (const size of [1, 3, 7, 100, 1000]) {
      const reader = new ByteReader(chunksOf(bytes, size));
      expect(await reader.read(10), `chunks of ${size}`).toEqual(bytes.subarray(0, 10));
      expect(await reader.skip(5)).toBe(true);
      expect(await reader.read(300)).toEqual(bytes.subarray(15, 315));
      expect(await reader.skip(600)).toBe(true);
      expect(await reader.read(200)).toEqual(bytes.subarray(915));
      expect(await reader.read(1)).toBeUndefined();
      expect(await reader.skip(1)).toBe(false);
    }
  });

  it('reads zero bytes as an empty buffer, at a chunk boundary and at the end (not as the end of the stream)', async () => {
    const reader = new ByteReader(chunksOf(Buffer.from('abcd'), 2));
    expect(await reader.read(0)).toEqual(Buffer.alloc(0));
    expect(await reader.read(2)).toEqual(Buffer.from('ab'));
    expect(await reader.read(0)).toEqual(Buffer.alloc(0));
    expect(await reader.read(2)).toEqual(Buffer.from('cd'));
    expect(await reader.read(0)).toEqual(Buffer.alloc(0));
    expect(await reader.read(1)).toBeUndefined();
  });

  it('reads a 64 MiB piece of 16 KiB chunks by copying it once (gluing chunk by chunk took minutes)', async () => {
    const chunk = Buffer.alloc(16 * 1024, 7);
    async function* source() {
      for (let i = 0; i < 4096; i++) yield chunk;
    }
    const read = await new ByteReader(source()).read(64 * 1024 * 1024);
    expect(read?.length).toBe(64 * 1024 * 1024);
    expect(read?.[read.length - 1]).toBe(7);
  }, 30_000);
});

describe('readTar with hostile archives', () => {
  it('reads a GNU long name of NULs and one character in linear time (a backtracking expression took 18 s for 128 KiB, 20 minutes for 1 MiB)', async () => {
    const size = 128 * 1024;
    const header = tarHeader('././@LongLink', size);
    header.write('L', 156, 'latin1'); // a GNU long-name entry; with the ustar magic the reader does not need the checksum
    const name = Buffer.alloc(size);
    name[size - 1] = 0x78;
    const archive = Buffer.concat([header, name, tarPadding(size), tarEntry({ name: 'ignored', body: 'label' }), tarEnd()]);
    const files = await collect(readTar(chunksOf(archive, 64 * 1024), { maxBody: 1024 }));
    expect(files).toHaveLength(1);
    expect(files[0].name.length).toBe(size);
    expect(files[0].name.endsWith('x')).toBe(true);
    expect(files[0].body?.toString()).toBe('label');
  }, 10_000);
});

describe('readTar with empty files', () => {
  it('reads an empty file whose header ends exactly where a chunk does', async () => {
    const archive = Buffer.concat([tarEntry({ name: 'labels/a.txt', body: '' }), tarEntry({ name: 'labels/b.txt', body: '0 0.5 0.5 0.1 0.1\n' }), tarEnd()]);
    const split = await collect(readTar((async function* () {
      yield archive.subarray(0, 512);
      yield archive.subarray(512);
    })(), { maxBody: 1024 }));
    expect(split.map(({ name, body }) => [name, body?.toString()])).toEqual([['labels/a.txt', ''], ['labels/b.txt', '0 0.5 0.5 0.1 0.1\n']]);
  });

  it('reads a .tar.gz of 200 label files, two in three empty (zlib hands out 16 KiB chunks, whole blocks)', async () => {
    const files = Array.from({ length: 200 }, (_, i) => ({ name: `labels/${i}.txt`, body: i % 3 === 0 ? `0 0.5 0.5 0.1 0.${i}\n` : '' }));
    const archive = gzipSync(Buffer.concat([...files.map((file) => tarEntry(file)), tarEnd()]));
    const read = await collect(readTar(chunksOf(archive, 64 * 1024), { maxBody: 1024 }));
    expect(read.map(({ name, body }) => [name, body?.toString()])).toEqual(files.map(({ name, body }) => [name, body]));
  });
});

describe('readTar maxUnzippedBytes', () => {
  const archive = Buffer.concat([tarEntry({ name: 'a.txt', body: Buffer.alloc(100_000, 0x0a) }), tarEnd()]);

  it('reads a gzip-compressed archive up to the limit, and stops with TarUnzippedTooLarge past it', async () => {
    const gz = gzipSync(archive);
    expect(await collect(readTar(chunksOf(gz, 1000), { maxBody: 1 << 20, maxUnzippedBytes: archive.length }))).toHaveLength(1);
    await expect(collect(readTar(chunksOf(gz, 1000), { maxBody: 1 << 20, maxUnzippedBytes: 50_000 }))).rejects.toThrow(TarUnzippedTooLarge);
  });

  it('does not limit an uncompressed archive (its bytes are the upload\'s own)', async () => {
    expect(await collect(readTar(chunksOf(archive, 1000), { maxBody: 1 << 20, maxUnzippedBytes: 50_000 }))).toHaveLength(1);
  });

  // A source failing mid-stream (an object store's reset connection, a database error reading an
  // upload) was piped into gunzip, which does not pass errors on: an unhandled 'error' event ended
  // the process. And a reader stopping early (the cap) never closed the source.
  it('fails the read when a gzip source fails mid-stream, and closes the source when reading stops early', async () => {
    // Random bytes do not compress: the gzip is ~100 KB, sent in 1,000-byte chunks.
    const gz = gzipSync(Buffer.concat([tarEntry({ name: 'a.bin', body: randomBytes(100_000) }), tarEnd()]));
    let closed = 0;
    async function* source(failAt?: number): AsyncGenerator<Uint8Array> {
      try {
        for (let at = 0; at < gz.length; at += 1000) {
          if (failAt !== undefined && at >= failAt) throw new Error('connection reset');
          yield gz.subarray(at, at + 1000);
        }
      } finally {
        closed++;
      }
    }
    await expect(collect(readTar(source(gz.length / 2), { maxBody: 1 << 20 }))).rejects.toThrow(/connection reset/);
    await expect(collect(readTar(source(), { maxBody: 1 << 20, maxUnzippedBytes: 50_000 }))).rejects.toThrow(TarUnzippedTooLarge);
    // The source is closed as the destroyed gunzip's pipeline unwinds (a turn or two later).
    await vi.waitFor(() => expect(closed).toBe(2));
  });
});

describe('readTar scanLarge', () => {
  it('streams a kept file past maxBody through its scanner, exactly its bytes (not the padding), in any chunking', async () => {
    const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    const archive = Buffer.concat([tarEntry({ name: 'big.txt', body: big }), tarEntry({ name: 'skipped.bin', body: big }), tarEntry({ name: 'small.txt', body: 'hi' }), tarEnd()]);
    for (const size of [1, 100, 511, 4096, 1 << 20]) {
      const seen: Buffer[] = [];
      const files = await collect(readTar(chunksOf(archive, size), {
        maxBody: 1024,
        keep: (name) => name.endsWith('.txt'),
        scanLarge: () => ({ add: (chunk) => seen.push(Buffer.from(chunk)), result: () => seen.reduce((n, chunk) => n + chunk.length, 0) }),
      }));
      expect(files.map(({ name, size: bytes, scanned, body }) => [name, bytes, scanned, body?.toString()]), `chunks of ${size}`)
        .toEqual([['big.txt', 5000, 5000, undefined], ['skipped.bin', 5000, undefined, undefined], ['small.txt', 2, undefined, 'hi']]);
      expect(Buffer.concat(seen)).toEqual(big);
    }
  });

  it('fails on an archive that ends inside the scanned file', async () => {
    const archive = tarEntry({ name: 'big.txt', body: Buffer.alloc(5000, 1) }).subarray(0, 3000);
    await expect(collect(readTar(chunksOf(archive, 100), { maxBody: 1024, scanLarge: () => ({ add: () => undefined, result: () => 0 }) }))).rejects.toThrow(/ends inside big\.txt/);
  });
});
