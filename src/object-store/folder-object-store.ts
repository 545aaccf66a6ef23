import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readdir, realpath, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { DeadlineExceeded, withDeadline } from '../lib/deadline.js';
import { hasDotSegment, objectKeyProblem, ObjectStoreError, UPLOAD_TEMP_PREFIX } from './object-store.js';
import type { ObjectInfo, ObjectRange, ObjectRef, ObjectStore, ObjectStream, PutOptions } from './object-store.js';

/**
 * Non-blocking, so opening a FIFO (or a device) returns at once instead of waiting for a writer
 * in libuv's thread pool, where four such waits stall every file operation of the process; the
 * type is checked on the open handle (race-free) and anything but a regular file is refused.
 * No-follow: the path opened is already the real one, so a symlink there appeared meanwhile.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** Error codes that are final answers about a key: no file can ever be read under it. */
const NO_SUCH_KEY = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'ENXIO', 'ENODEV', 'EINVAL', 'EILSEQ']);
const DENIED = new Set(['EACCES', 'EPERM']);
/** S3 bucket names as Trove registers them (buckets/bucket-service.ts); other directories are no buckets. */
const BUCKET_NAME = /^[A-Za-z0-9._-]{1,255}$/;

export interface FolderStoreOptions {
  /** Longest any one file system call may take (open, stat, a read); past it the read is `unavailable`. */
  readonly timeoutMs?: number;
}

/**
 * The embedded object store: `s3://bucket/key` is the file `<root>/bucket/key`. A bucket is a
 * real directory directly under the root (a symlink is no bucket); an object is a regular file
 * below it, reached by a path that stays inside its bucket once symlinks are resolved. So
 * nothing outside the root, and nothing of another bucket, is ever reachable: not through `..`,
 * not through a symlinked bucket or key. There are no versions: only the unversioned object,
 * whose S3 version id is "null", exists. Errors never carry a file path.
 */
export class FolderObjectStore implements ObjectStore {
  readonly description: string;
  readonly #root: string;
  readonly #timeoutMs: number;
  #realRoot: string | undefined;

  constructor(root: string, options: FolderStoreOptions = {}) {
    this.#root = resolve(root);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.description = `folder ${this.#root}`;
  }

  async head(ref: ObjectRef): Promise<ObjectInfo> {
    return this.#withFile(ref, async (_file, size) => ({ size }));
  }

  async readRange(ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> {
    return this.#withFile(ref, async (file, size) => {
      const want = Math.max(0, Math.min(length, size - offset));
      const bytes = Buffer.alloc(want);
      let done = 0;
      while (done < want) {
        const { bytesRead } = await this.#timed(file.read(bytes, done, want - done, offset + done));
        if (bytesRead === 0) break; // the file shrank while being read
        done += bytesRead;
      }
      return { bytes: bytes.subarray(0, done), size };
    });
  }

  async openRead(ref: ObjectRef): Promise<ObjectStream> {
    const { file, size } = await this.#open(ref);
    // The stream owns the handle from here: it closes it when read to the end, on error, or when the reader stops early.
    const stream = file.createReadStream({ highWaterMark: 256 * 1024 });
    return { size, body: this.#guarded(ref, stream), discard: () => void stream.destroy() };
  }

  /**
   * Writes the object as a file that appears whole: the bytes go to a temporary file beside its
   * place (`.trove-upload-<random>`, a name no key may have), are flushed to disk, then the file
   * is linked into place (`ifAbsent`: fails if the key exists, atomically) or renamed over it.
   * The bucket directory and the key's directories are created as needed, one level at a time,
   * and none of them may be a symlink (reads allow symlinks inside a bucket; a write never
   * follows one, so it cannot land outside its bucket).
   */
  async put(ref: ObjectRef, bytes: Uint8Array, options: PutOptions): Promise<void> {
    const problem = objectKeyProblem(ref.key);
    if (problem) throw new ObjectStoreError('invalid-key', ref, problem);
    if (ref.version !== undefined) throw new ObjectStoreError('invalid-key', ref, 'A write creates the unversioned object; it takes no version.');
    if (!BUCKET_NAME.test(ref.bucket)) throw new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.');
    const bucketDir = await this.#bucketDir(ref);
    const segments = ref.key.split('/');
    let dir = bucketDir;
    for (const name of [undefined, ...segments.slice(0, -1)]) {
      if (name !== undefined) dir = join(dir, name);
      await this.#directory(ref, dir, name === undefined ? 'bucket' : 'key');
    }
    const target = join(dir, segments[segments.length - 1]);
    const temp = join(dir, `${UPLOAD_TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
    try {
      const file = await this.#timed(open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644));
      try {
        await this.#timed(file.writeFile(bytes));
        await this.#timed(file.sync());
      } finally {
        await file.close().catch(() => undefined);
      }
      if (options.ifAbsent) {
        await this.#timed(link(temp, target)).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectStoreError('already-exists', ref, 'An object already exists under this key.');
          throw error;
        });
      } else {
        const existing = await this.#timed(lstat(target)).catch(() => undefined);
        if (existing?.isDirectory()) throw new ObjectStoreError('invalid-key', ref, 'The key names a folder of other objects.');
        await this.#timed(rename(temp, target));
      }
      await this.#syncDirectory(dir);
    } catch (error) {
      throw this.#failure(ref, error, 'key');
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** The bucket directories under the root (real directories with bucket names; symlinks are no buckets). */
  async bucketNames(): Promise<string[]> {
    const entries = await this.#timed(readdir(this.#root, { withFileTypes: true })).catch(() => []);
    return entries.filter((entry) => entry.isDirectory() && BUCKET_NAME.test(entry.name) && entry.name !== '.' && entry.name !== '..').map((entry) => entry.name);
  }

  close(): void {}

  /** `path` as a real directory (created when missing); a symlink or a file there refuses the write. */
  async #directory(ref: ObjectRef, path: string, level: 'bucket' | 'key'): Promise<void> {
    const info = await this.#timed(lstat(path)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#failure(ref, error, level);
    });
    if (info?.isDirectory()) return;
    if (info) {
      throw level === 'bucket'
        ? new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.')
        : new ObjectStoreError('invalid-key', ref, 'A folder of the key is a file or a link, not a folder.');
    }
    await this.#timed(mkdir(path)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw this.#failure(ref, error, level);
    });
    // Created by someone else meanwhile: it must still be a real directory.
    if (!(await this.#timed(lstat(path))).isDirectory()) throw new ObjectStoreError('invalid-key', ref, 'A folder of the key is not a folder.');
  }

  /** The new name is durable once its directory is flushed too (a crash after the answer keeps the object). */
  async #syncDirectory(dir: string): Promise<void> {
    const handle = await this.#timed(open(dir, constants.O_RDONLY | constants.O_DIRECTORY));
    try {
      await this.#timed(handle.sync());
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** The stream's chunks, each within the deadline; a failure is `unavailable` (a file that was readable a moment ago). */
  async *#guarded(ref: ObjectRef, stream: AsyncIterable<Uint8Array> & { destroy(): void }): AsyncGenerator<Uint8Array> {
    const chunks = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await this.#timed(chunks.next());
        if (next.done) return;
        yield next.value;
      }
    } catch (error) {
      throw this.#failure(ref, error, 'key');
    } finally {
      stream.destroy();
    }
  }

  async #withFile<T>(ref: ObjectRef, use: (file: FileHandle, size: number) => Promise<T>): Promise<T> {
    const { file, size } = await this.#open(ref);
    try {
      return await use(file, size);
    } catch (error) {
      throw this.#failure(ref, error, 'key');
    } finally {
      await file.close().catch(() => undefined);
    }
  }

  /** Opens the object's file: checked path, no blocking open, a regular file or nothing. */
  async #open(ref: ObjectRef): Promise<{ file: FileHandle; size: number }> {
    const path = await this.#realPathOf(ref);
    const file = await this.#timed(open(path, OPEN_FLAGS), (late) => void late.close().catch(() => undefined))
      .catch((error: unknown) => { throw this.#failure(ref, error, 'key'); });
    try {
      const info = await this.#timed(file.stat());
      if (!info.isFile()) throw noSuchKey(ref);
      return { file, size: info.size };
    } catch (error) {
      await file.close().catch(() => undefined);
      throw this.#failure(ref, error, 'key');
    }
  }

  /**
   * The real path of the object's file, after checking that the bucket is a real directory
   * under the root and that the file, symlinks resolved, lies inside that bucket.
   */
  async #realPathOf(ref: ObjectRef): Promise<string> {
    const bucketDir = await this.#bucketDir(ref);
    // S3: an unversioned object's version id is "null"; any other version does not exist here.
    if (ref.version !== undefined && ref.version !== 'null') {
      throw new ObjectStoreError('no-such-key', ref, 'The specified version does not exist.');
    }
    const segments = ref.key.split('/');
    if (ref.key.includes('\0') || hasDotSegment(ref.key)) {
      throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist (the key cannot name a file in a folder).');
    }
    const bucket = await this.#timed(lstat(bucketDir)).catch((error: unknown) => { throw this.#failure(ref, error, 'bucket'); });
    if (!bucket.isDirectory()) throw new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.');
    const real = await this.#timed(realpath(join(bucketDir, ...segments.filter((s) => s !== ''))))
      .catch((error: unknown) => { throw this.#failure(ref, error, 'key'); });
    // A symlink may point anywhere: only files inside the object's own bucket are objects of it.
    if (!real.startsWith(bucketDir + sep)) throw noSuchKey(ref);
    return real;
  }

  /** `<real root>/<bucket>` for a bucket name that can only be a directory directly under the root. */
  async #bucketDir(ref: ObjectRef): Promise<string> {
    const { bucket } = ref;
    if (bucket === '' || bucket === '.' || bucket === '..' || /[/\\\0]/.test(bucket)) {
      throw new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.');
    }
    // The root itself may be reached through a symlink (e.g. /tmp on some systems): compare real paths.
    this.#realRoot ??= await this.#timed(realpath(this.#root)).catch(() => undefined);
    return join(this.#realRoot ?? this.#root, bucket);
  }

  #timed<T>(work: Promise<T>, late?: (value: T) => void): Promise<T> {
    return withDeadline(work, this.#timeoutMs, late);
  }

  /**
   * The one translation of file system errors into the store's reasons: codes that no retry can
   * change are final (`no-such-key`/`no-such-bucket`, `access-denied`), anything else transient.
   * Only the error code is kept: Node's messages carry the file path.
   */
  #failure(ref: ObjectRef, error: unknown, level: 'bucket' | 'key'): ObjectStoreError {
    if (error instanceof ObjectStoreError) return error;
    if (error instanceof DeadlineExceeded) return new ObjectStoreError('unavailable', ref, `the file system did not answer within ${error.ms} ms.`);
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NO_SUCH_KEY.has(code)) {
      return level === 'bucket'
        ? new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.')
        : noSuchKey(ref, code === 'ENAMETOOLONG' ? ' (the key is longer than a file name may be)' : '');
    }
    if (DENIED.has(code)) return new ObjectStoreError('access-denied', ref, 'Access Denied (file permissions).');
    return new ObjectStoreError('unavailable', ref, `the file could not be read (${code || (error as Error).name}).`);
  }
}

function noSuchKey(ref: ObjectRef, detail = ''): ObjectStoreError {
  return new ObjectStoreError('no-such-key', ref, `The specified key does not exist${detail}.`);
}
