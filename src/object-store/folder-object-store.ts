import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ObjectStoreError } from './object-store.js';
import type { ObjectInfo, ObjectRange, ObjectRef, ObjectStore, ObjectStream } from './object-store.js';

/**
 * The embedded object store: `s3://bucket/key` is the file `<root>/bucket/key`. A bucket is a
 * directory directly under the root; an object is a regular file below it. Nothing outside the
 * root is ever reachable (`..` segments name no object), and there are no versions: only the
 * unversioned object, whose S3 version id is "null", exists.
 */
export class FolderObjectStore implements ObjectStore {
  readonly description: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
    this.description = `folder ${this.#root}`;
  }

  async head(ref: ObjectRef): Promise<ObjectInfo> {
    const path = await this.#fileOf(ref);
    const info = await stat(path).catch((error: unknown) => this.#fail(ref, error));
    if (!info.isFile()) throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist.');
    return { size: info.size };
  }

  async readRange(ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> {
    return this.#withFile(ref, async (file, size) => {
      const want = Math.max(0, Math.min(length, size - offset));
      const bytes = Buffer.alloc(want);
      let done = 0;
      while (done < want) {
        const { bytesRead } = await file.read(bytes, done, want - done, offset + done);
        if (bytesRead === 0) break; // the file shrank while being read
        done += bytesRead;
      }
      return { bytes: bytes.subarray(0, done), size };
    });
  }

  async openRead(ref: ObjectRef): Promise<ObjectStream> {
    const path = await this.#fileOf(ref);
    const file = await open(path, 'r').catch((error: unknown) => this.#fail(ref, error));
    try {
      const info = await file.stat();
      if (!info.isFile()) throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist.');
      // The stream owns the handle from here: it closes it when read to the end, on error, or when the reader stops early.
      const stream = file.createReadStream({ highWaterMark: 256 * 1024 });
      return { size: info.size, body: this.#guarded(ref, stream), discard: () => void stream.destroy() };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  close(): void {}

  async *#guarded(ref: ObjectRef, stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream) yield chunk;
    } catch (error) {
      throw new ObjectStoreError('unavailable', ref, `reading the file failed: ${(error as Error).message}`);
    }
  }

  async #withFile<T>(ref: ObjectRef, use: (file: FileHandle, size: number) => Promise<T>): Promise<T> {
    const path = await this.#fileOf(ref);
    const file = await open(path, 'r').catch((error: unknown) => this.#fail(ref, error));
    try {
      const info = await file.stat();
      if (!info.isFile()) throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist.');
      return await use(file, info.size);
    } catch (error) {
      if (error instanceof ObjectStoreError) throw error;
      throw new ObjectStoreError('unavailable', ref, `reading the file failed: ${(error as Error).message}`);
    } finally {
      await file.close();
    }
  }

  /** The file an object maps to, after checking the bucket directory exists. */
  async #fileOf(ref: ObjectRef): Promise<string> {
    const bucketDir = this.#bucketDir(ref);
    // S3: an unversioned object's version id is "null"; any other version does not exist here.
    if (ref.version !== undefined && ref.version !== 'null') {
      throw new ObjectStoreError('no-such-key', ref, 'The specified version does not exist.');
    }
    const segments = ref.key.split('/');
    if (ref.key.includes('\0') || segments.some((s) => s === '.' || s === '..')) {
      throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist (the key cannot name a file in a folder).');
    }
    const path = resolve(bucketDir, ...segments.filter((s) => s !== ''));
    if (!path.startsWith(bucketDir + sep)) throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist.');
    const info = await stat(bucketDir).catch((error: unknown) => this.#fail(ref, error, true));
    if (!info.isDirectory()) throw new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.');
    return path;
  }

  #bucketDir(ref: ObjectRef): string {
    const { bucket } = ref;
    if (bucket === '' || bucket === '.' || bucket === '..' || /[/\\\0]/.test(bucket)) {
      throw new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.');
    }
    return resolve(this.#root, bucket);
  }

  #fail(ref: ObjectRef, error: unknown, bucketLevel = false): never {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw bucketLevel
        ? new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.')
        : new ObjectStoreError('no-such-key', ref, 'The specified key does not exist.');
    }
    if (code === 'EACCES' || code === 'EPERM') throw new ObjectStoreError('access-denied', ref, 'Access Denied (file permissions).');
    throw new ObjectStoreError('unavailable', ref, `the file could not be read: ${(error as Error).message}`);
  }
}
