import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../../src/object-store/folder-object-store.js';
import { ObjectStoreError } from '../../../src/object-store/object-store.js';
import type { ObjectRef, ObjectStore } from '../../../src/object-store/object-store.js';
import { S3ObjectStore } from '../../../src/object-store/s3-object-store.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';

interface Backend {
  store: ObjectStore;
  put(bucket: string, key: string, body: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

const BIG = Buffer.alloc(3 * 1024 * 1024 + 17, 0);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31) & 0xff;

async function folderBackend(): Promise<Backend> {
  const root = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
  mkdirSync(join(root, 'photos'));
  return {
    store: new FolderObjectStore(root),
    async put(bucket, key, body) {
      const path = join(root, bucket, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    },
    async close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function s3Backend(): Promise<Backend & { s3: TestS3 }> {
  const s3 = await startS3();
  await s3.createBucket('photos');
  const store = new S3ObjectStore({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  return {
    s3,
    store,
    put: (bucket, key, body) => s3.put(bucket, key, body),
    async close() {
      store.close();
      await s3.close();
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ObjectStoreError);
    return (error as ObjectStoreError).reason;
  }
  throw new Error('expected a failure');
}

async function readAll(store: ObjectStore, ref: ObjectRef): Promise<Buffer> {
  const { body } = await store.openRead(ref);
  const parts: Uint8Array[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

for (const [name, open] of [['folder', folderBackend], ['s3 (s3rver)', s3Backend]] as const) {
  describe(`object store contract: ${name}`, () => {
    let backend: Backend;
    const ref = (key: string, bucket = 'photos'): ObjectRef => ({ bucket, key });
    beforeAll(async () => {
      backend = await open();
      await backend.put('photos', 'a/b/small.txt', Buffer.from('hello world'));
      await backend.put('photos', 'big.bin', BIG);
      await backend.put('photos', 'empty.bin', Buffer.alloc(0));
    });
    afterAll(async () => backend?.close());

    it('heads an object', async () => {
      expect(await backend.store.head(ref('a/b/small.txt'))).toEqual({ size: 11 });
      expect(await backend.store.head(ref('empty.bin'))).toEqual({ size: 0 });
    });

    it('tells a missing key from a missing bucket', async () => {
      expect(await failure(backend.store.head(ref('a/b/nope.txt')))).toBe('no-such-key');
      expect(await failure(backend.store.head(ref('x', 'no-such-bucket')))).toBe('no-such-bucket');
      expect(await failure(backend.store.readRange(ref('nope'), 0, 10))).toBe('no-such-key');
      expect(await failure(backend.store.readRange(ref('x', 'no-such-bucket'), 0, 10))).toBe('no-such-bucket');
      expect(await failure(backend.store.openRead(ref('nope')))).toBe('no-such-key');
      expect(await failure(backend.store.openRead(ref('x', 'no-such-bucket')))).toBe('no-such-bucket');
    });

    it('reads ranges with the whole size, clipped at the end', async () => {
      expect(await backend.store.readRange(ref('big.bin'), 0, 4096)).toEqual({ bytes: BIG.subarray(0, 4096), size: BIG.length });
      const middle = await backend.store.readRange(ref('big.bin'), 1_000_000, 70_000);
      expect(middle.bytes.equals(BIG.subarray(1_000_000, 1_070_000))).toBe(true);
      const tail = await backend.store.readRange(ref('big.bin'), BIG.length - 10, 4096);
      expect(tail).toEqual({ bytes: BIG.subarray(BIG.length - 10), size: BIG.length });
      expect(await backend.store.readRange(ref('a/b/small.txt'), 0, 4096)).toEqual({ bytes: Buffer.from('hello world'), size: 11 });
    });

    it('reads nothing past the end, and nothing from an empty object', async () => {
      expect(await backend.store.readRange(ref('a/b/small.txt'), 11, 10)).toEqual({ bytes: Buffer.alloc(0), size: 11 });
      expect(await backend.store.readRange(ref('empty.bin'), 0, 4096)).toEqual({ bytes: Buffer.alloc(0), size: 0 });
    });

    it('streams a whole object and its size', async () => {
      const opened = await backend.store.openRead(ref('big.bin'));
      expect(opened.size).toBe(BIG.length);
      opened.discard();
      expect((await readAll(backend.store, ref('big.bin'))).equals(BIG)).toBe(true);
      expect((await readAll(backend.store, ref('empty.bin'))).length).toBe(0);
    });

    it('writes a whole object, keeps an existing one when asked to, and refuses odd keys alike', async () => {
      const put = (key: string, text: string, ifAbsent: boolean) => backend.store.put(ref(key), Buffer.from(text), { contentType: 'text/plain', ifAbsent });
      await put('new/deep/one.txt', 'first', true);
      expect((await readAll(backend.store, ref('new/deep/one.txt'))).toString()).toBe('first');
      expect(await failure(put('new/deep/one.txt', 'second', true))).toBe('already-exists');
      expect((await readAll(backend.store, ref('new/deep/one.txt'))).toString()).toBe('first');
      await put('new/deep/one.txt', 'second', false);
      expect((await readAll(backend.store, ref('new/deep/one.txt'))).toString()).toBe('second');
      for (const key of ['../x', 'a//b', '/x', 'x/', 'a/./b', 'a/.trove-upload-1', `${'k'.repeat(256)}`, 'nul\0byte', 'k'.repeat(1025)]) {
        expect(await failure(put(key, 'x', false)), key).toBe('invalid-key');
      }
    });

    it('stops a stream early without reading the rest', async () => {
      const { body } = await backend.store.openRead(ref('big.bin'));
      let read = 0;
      for await (const chunk of body) {
        read += chunk.byteLength;
        break;
      }
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThan(BIG.length);
      // The store still works after an abandoned stream.
      expect((await backend.store.head(ref('big.bin'))).size).toBe(BIG.length);
    });
  });
}

describe('folder object store specifics', () => {
  let root: string;
  let store: FolderObjectStore;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
    mkdirSync(join(root, 'photos', 'dir'), { recursive: true });
    writeFileSync(join(root, 'photos', 'a.txt'), 'a');
    writeFileSync(join(root, 'secret.txt'), 'outside every bucket');
    writeFileSync(join(root, 'file-bucket'), 'not a directory');
    store = new FolderObjectStore(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('never reaches outside the bucket', async () => {
    expect(await failure(store.head({ bucket: 'photos', key: '../secret.txt' }))).toBe('no-such-key');
    expect(await failure(store.head({ bucket: 'photos', key: 'dir/../../secret.txt' }))).toBe('no-such-key');
    expect(await failure(store.head({ bucket: '..', key: 'secret.txt' }))).toBe('no-such-bucket');
    expect(await failure(store.head({ bucket: 'photos/..', key: 'secret.txt' }))).toBe('no-such-bucket');
  });

  it('a directory is not an object, a file is not a bucket', async () => {
    expect(await failure(store.head({ bucket: 'photos', key: 'dir' }))).toBe('no-such-key');
    expect(await failure(store.openRead({ bucket: 'photos', key: 'dir' }))).toBe('no-such-key');
    expect(await failure(store.head({ bucket: 'file-bucket', key: 'x' }))).toBe('no-such-bucket');
    expect(await failure(store.head({ bucket: 'photos', key: 'a.txt/x' }))).toBe('no-such-key');
  });

  it('never follows a symlink out of its bucket: not a bucket linked to /, not a key linked outside or into another bucket', async () => {
    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'other', 'private.txt'), 'another bucket');
    symlinkSync('/', join(root, 'root'));
    symlinkSync(join(root, 'photos'), join(root, 'alias'));
    symlinkSync('/etc/passwd', join(root, 'photos', 'passwd'));
    symlinkSync('../secret.txt', join(root, 'photos', 'up'));
    symlinkSync('../other/private.txt', join(root, 'photos', 'borrowed'));
    symlinkSync('/etc', join(root, 'photos', 'etc'));
    for (const [bucket, key] of [['root', 'etc/passwd'], ['alias', 'a.txt']]) {
      for (const read of reads(store, { bucket, key })) {
        expect(await failure(read())).toBe('no-such-bucket');
      }
    }
    for (const key of ['passwd', 'up', 'borrowed', 'etc/passwd']) {
      for (const read of reads(store, { bucket: 'photos', key })) {
        expect(await failure(read())).toBe('no-such-key');
      }
    }
  });

  it('follows a symlink that stays inside its own bucket', async () => {
    symlinkSync('a.txt', join(root, 'photos', 'same.txt'));
    symlinkSync(join(root, 'photos', 'dir'), join(root, 'photos', 'dir-alias'));
    writeFileSync(join(root, 'photos', 'dir', 'b.txt'), 'bb');
    expect(await store.head({ bucket: 'photos', key: 'same.txt' })).toEqual({ size: 1 });
    expect(await store.head({ bucket: 'photos', key: 'dir-alias/b.txt' })).toEqual({ size: 2 });
  });

  it('answers a FIFO, a socket-like or a device path at once as no object (never waits for a writer)', async () => {
    execFileSync('mkfifo', [join(root, 'photos', 'pipe')]);
    symlinkSync('/dev/zero', join(root, 'photos', 'zero'));
    const started = Date.now();
    for (const key of ['pipe', 'zero']) {
      for (const read of reads(store, { bucket: 'photos', key })) {
        expect(await failure(read())).toBe('no-such-key');
      }
    }
    // Far more FIFO reads than libuv has threads: none is left blocking the pool.
    const many = await Promise.all(Array.from({ length: 16 }, () => failure(store.openRead({ bucket: 'photos', key: 'pipe' }))));
    expect(new Set(many)).toEqual(new Set(['no-such-key']));
    expect(await store.head({ bucket: 'photos', key: 'a.txt' })).toEqual({ size: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers keys no file can have (too long, symlink loops) as final no-such-key, at once', async () => {
    symlinkSync('loop-b', join(root, 'photos', 'loop-a'));
    symlinkSync('loop-a', join(root, 'photos', 'loop-b'));
    for (const key of ['x'.repeat(300), `dir/${'é'.repeat(200)}.png`, 'loop-a', 'loop-a/x']) {
      for (const read of reads(store, { bucket: 'photos', key })) {
        const error = await read().then(() => undefined, (e: unknown) => e as ObjectStoreError);
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect({ key, reason: error!.reason, transient: error!.transient }).toEqual({ key, reason: 'no-such-key', transient: false });
      }
    }
    expect(await failure(store.head({ bucket: 'b'.repeat(300), key: 'x' }))).toBe('no-such-bucket');
  });

  it('never puts a server file path in an error message', async () => {
    const messages: string[] = [];
    for (const [bucket, key] of [['photos', 'nope'], ['photos', 'x'.repeat(300)], ['photos', 'loop-a'], ['photos', 'pipe'], ['nope', 'x'], ['photos', 'passwd'], ['root', 'etc/shadow']]) {
      messages.push(await store.head({ bucket, key }).then(() => 'read', (e: Error) => e.message));
      messages.push(await store.openRead({ bucket, key }).then(() => 'read', (e: Error) => e.message));
    }
    for (const message of messages) {
      expect(message).toMatch(/^s3:\/\//);
      expect(message).not.toContain(root);
      // No absolute path after the URI: Node's own messages read "ENOENT: ..., open '/tmp/...'".
      expect(message.replace(/^s3:\/\/\S+/, '')).not.toMatch(/\/(tmp|etc|home|root|var)\b|'\//);
    }
  });

  it('knows only the unversioned object ("null" version)', async () => {
    expect(await store.head({ bucket: 'photos', key: 'a.txt', version: 'null' })).toEqual({ size: 1 });
    expect(await failure(store.head({ bucket: 'photos', key: 'a.txt', version: '3HL4kqtJlcpXroDTDmJ' }))).toBe('no-such-key');
  });
});

describe('s3 object store failures', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('photos');
    await s3.put('photos', 'a.txt', 'a');
  });
  afterAll(async () => s3?.close());

  it('unknown credentials are access-denied', async () => {
    const store = new S3ObjectStore({
      endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'STRANGER', secretAccessKey: 'wrong' },
    });
    try {
      expect(await failure(store.head({ bucket: 'photos', key: 'a.txt' }))).toBe('access-denied');
      expect(await failure(store.readRange({ bucket: 'photos', key: 'a.txt' }, 0, 10))).toBe('access-denied');
      expect(await failure(store.openRead({ bucket: 'photos', key: 'a.txt' }))).toBe('access-denied');
    } finally {
      store.close();
    }
  });

  it('an endpoint that does not answer is unavailable', async () => {
    const port = await closedPort();
    const store = new S3ObjectStore({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    try {
      expect(await failure(store.head({ bucket: 'photos', key: 'a.txt' }))).toBe('unavailable');
      expect(await failure(store.readRange({ bucket: 'photos', key: 'a.txt' }, 0, 10))).toBe('unavailable');
    } finally {
      store.close();
    }
  });
});

/** Each way of reading an object, started only when called (so no rejection goes unobserved). */
function reads(store: ObjectStore, ref: ObjectRef): Array<() => Promise<unknown>> {
  return [() => store.head(ref), () => store.readRange(ref, 0, 10), () => store.openRead(ref)];
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
