// Where Trove reads the objects AWS APIs name by s3:// URI: Ground Truth manifests, the images
// their source-refs point at, and AgentCore JSONL example files. Two implementations behave the
// same: the S3 API against any S3-compatible endpoint (s3-object-store.ts) and a local folder
// per bucket (folder-object-store.ts). Trove only ever reads: it never lists, writes or deletes.

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
export type ObjectStoreFailure = 'no-such-bucket' | 'no-such-key' | 'access-denied' | 'unavailable';

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
  /** Releases connections. */
  close(): void;
}

/** `s3://bucket/key` → bucket and key; undefined when the text is not of that form. */
export function parseS3Uri(uri: string): ObjectRef | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/s.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

export function formatS3Uri(ref: ObjectRef): string {
  return `s3://${ref.bucket}/${ref.key}${ref.version === undefined ? '' : ` (version ${ref.version})`}`;
}
