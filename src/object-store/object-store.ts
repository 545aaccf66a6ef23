// Where Trove reads the objects AWS APIs name by s3:// URI: Ground Truth manifests, the images
// their source-refs point at, and AgentCore JSONL example files. Two implementations behave the
// same: the S3 API against any S3-compatible endpoint (s3-object-store.ts) and a local folder
// per bucket (folder-object-store.ts). Trove reads; the one write is an image uploaded by the
// console (Trove's UploadImage, docs/object-storage.md), whole and at once. It never lists
// objects or deletes anything.

/** One object, as an s3:// URI names it. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  /** S3 version id; the folder store knows only the unversioned object, version "null". */
  readonly version?: string;
}

export interface ObjectInfo {
  /** Size of the whole object in bytes. */
  readonly size: number;
}

export interface ObjectRange {
  /** The bytes read: fewer than asked at the end of the object, none past it. */
  readonly bytes: Buffer;
  /** Size of the whole object in bytes. */
  readonly size: number;
}

export interface ObjectStream {
  /** Size of the whole object in bytes, known before the first byte is read. */
  readonly size: number;
  /** The object's bytes in order. Breaking out of the loop early releases the connection or file. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Releases the connection or file without reading (further); a no-op once the body is done. */
  discard(): void;
}

/**
 * Why an object could not be read, classified once, here, by each store: `unavailable` is the
 * only transient reason (network failure, 5xx, a timeout): a job retries it. The others are
 * answers about the object (a key no file can have, a symlink loop, a FIFO: `no-such-key`) and
 * are final at once. The message names the s3:// URI, never a server file path: it may reach a
 * client (an API error, a StatusMessage, a failureReason).
 */
export type ObjectStoreFailure = 'no-such-bucket' | 'no-such-key' | 'access-denied' | 'unavailable' | 'already-exists' | 'invalid-key';

export class ObjectStoreError extends Error {
  constructor(readonly reason: ObjectStoreFailure, readonly ref: ObjectRef, readonly detail: string) {
    super(`${formatS3Uri(ref)}: ${detail}`);
    this.name = 'ObjectStoreError';
  }

  /** True when trying again later may succeed (the job is retried); false for a final answer. */
  get transient(): boolean {
    return this.reason === 'unavailable';
  }
}

export interface ObjectStore {
  /** Where objects come from, for logs and messages, e.g. `folder /srv/buckets` or `S3 endpoint http://…`. */
  readonly description: string;
  /** The object's metadata (S3 HeadObject); throws ObjectStoreError. */
  head(ref: ObjectRef): Promise<ObjectInfo>;
  /**
   * Up to `length` bytes starting at `offset` (S3 GetObject with a Range), with the size of the
   * whole object. Image checks read headers and trailers this way, never the whole object.
   * (Explicit ranges only: some S3-compatible servers get suffix ranges `bytes=-N` wrong.)
   */
  readRange(ref: ObjectRef, offset: number, length: number): Promise<ObjectRange>;
  /** The whole object as a stream, for manifests and JSONL files that may be far larger than memory. */
  openRead(ref: ObjectRef): Promise<ObjectStream>;
  /**
   * Writes a whole object at once: readers see the old object (or none) until the new one is
   * complete, never a part of it. With `ifAbsent`, an object already under the key is kept and
   * the write fails `already-exists`. Keys follow `objectKeyProblem`, on every store.
   */
  put(ref: ObjectRef, bytes: Uint8Array, options: PutOptions): Promise<void>;
  /** The buckets the store has, where it can tell cheaply (the folder store's directories); undefined otherwise. */
  bucketNames?(): Promise<string[]>;
  /** Releases connections. */
  close(): void;
}

export interface PutOptions {
  /** Stored with the object where the store keeps one (S3's Content-Type). */
  readonly contentType: string;
  /** Refuse to replace an object already under the key (S3's `If-None-Match: *`). */
  readonly ifAbsent: boolean;
}

/** S3: a key is at most 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** Most file systems: a file name is at most 255 bytes. */
const MAX_SEGMENT_BYTES = 255;
/** The folder store writes a new object under this name beside its place first (folder-object-store.ts). */
export const UPLOAD_TEMP_PREFIX = '.trove-upload-';

/**
 * Why a key cannot be written, or undefined. The same rules on every store, so a key that works
 * with S3 works with the folder store too: 1..1024 bytes, `/`-separated segments that are not
 * empty, `.` or `..` and at most 255 bytes each, no control characters, and no segment named like
 * the folder store's temporary files.
 */
export function objectKeyProblem(key: string): string | undefined {
  if (key === '') return 'The key is empty.';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `The key is longer than ${MAX_KEY_BYTES} bytes.`;
  if (/[\x00-\x1f\x7f]/.test(key)) return 'The key contains a control character.';
  for (const segment of key.split('/')) {
    if (segment === '') return 'The key has an empty segment (a leading, trailing or doubled /).';
    if (segment === '.' || segment === '..') return 'The key has a . or .. segment.';
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `A segment of the key is longer than ${MAX_SEGMENT_BYTES} bytes.`;
    if (segment.startsWith(UPLOAD_TEMP_PREFIX)) return `A segment of the key starts with ${UPLOAD_TEMP_PREFIX}, which Trove keeps for files being written.`;
  }
  return undefined;
}

/**
 * True when a key has a `.` or `..` segment: such a key names no object on any store. In the
 * folder store its path would leave the key's folder; over the S3 API the request path
 * `/bucket/../other/key` is resolved by many servers and proxies (s3rver here, nginx and others
 * in front of MinIO or Ceph) to another bucket's object, after Trove decided the read on the
 * first bucket. Both stores answer "no such key" for it, as for a missing object, before asking
 * anything.
 */
export function hasDotSegment(key: string): boolean {
  return key.split('/').some((segment) => segment === '.' || segment === '..');
}

/** `s3://bucket/key` → bucket and key; undefined when the text is not of that form. */
export function parseS3Uri(uri: string): ObjectRef | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/s.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

export function formatS3Uri(ref: ObjectRef): string {
  return `s3://${ref.bucket}/${ref.key}${ref.version === undefined ? '' : ` (version ${ref.version})`}`;
}
