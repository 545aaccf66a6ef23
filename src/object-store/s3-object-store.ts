import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { hasDotSegment, objectKeyProblem, ObjectStoreError } from './object-store.js';
import type { ObjectInfo, ObjectRange, ObjectRef, ObjectStore, ObjectStoreFailure, ObjectStream, PutOptions } from './object-store.js';

export interface S3StoreConfig {
  /** Any S3-compatible endpoint; undefined means AWS S3 itself. */
  readonly endpoint?: string;
  readonly region: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`; most S3-compatible servers need it. */
  readonly forcePathStyle: boolean;
  /** Static credentials; without them the SDK's default chain (env, profile, instance role) applies. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Socket timeouts (ms), so a silent endpoint fails a request instead of hanging it. */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/** Objects read through the S3 API (`@aws-sdk/client-s3`): AWS S3 or any S3-compatible server. */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly #client: S3Client;

  constructor(config: S3StoreConfig) {
    this.description = `S3 ${config.endpoint ? `endpoint ${config.endpoint}` : `(AWS, ${config.region})`}`;
    this.#client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // S3-compatible servers rarely implement the newer flexible checksums; ranged reads have none anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: config.connectionTimeoutMs ?? 5_000, requestTimeout: config.requestTimeoutMs ?? 60_000 },
    });
  }

  async head(ref: ObjectRef): Promise<ObjectInfo> {
    refuseDotSegments(ref);
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.version }));
      return { size: out.ContentLength ?? 0 };
    } catch (error) {
      // A HEAD answer has no body, so a 404 does not say whether the bucket or the key is missing: ask.
      if (statusOf(error) === 404 && ref.version === undefined && !(await this.#bucketExists(ref))) {
        throw new ObjectStoreError('no-such-bucket', ref, 'The specified bucket does not exist.');
      }
      throw translate(ref, error);
    }
  }

  async readRange(ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> {
    refuseDotSegments(ref);
    if (length <= 0) return { bytes: Buffer.alloc(0), size: (await this.head(ref)).size };
    let out: GetObjectCommandOutput;
    try {
      out = await this.#client.send(new GetObjectCommand({
        Bucket: ref.bucket, Key: ref.key, VersionId: ref.version, Range: `bytes=${offset}-${offset + length - 1}`,
      }));
    } catch (error) {
      // S3: a range starting at or past the end (an empty object included) is 416 InvalidRange.
      if (statusOf(error) === 416) return { bytes: Buffer.alloc(0), size: (await this.head(ref)).size };
      throw translate(ref, error);
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange ?? '');
    if (range && (Number(range[3]) === 0 || offset >= Number(range[3]))) {
      // Some S3-compatible servers answer a range on an empty object with a bogus 206 instead of 416.
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return { bytes: Buffer.alloc(0), size: Number(range[3]) };
    }
    // A server that ignores Range answers 200 with the whole object: skip to `offset` and stop after `length`.
    const skip = range ? 0 : offset;
    const size = range ? Number(range[3]) : out.ContentLength ?? 0;
    const bytes = await readAtMost(ref, out.Body as AsyncIterable<Uint8Array> | undefined, skip, length, !range);
    return { bytes, size };
  }

  async openRead(ref: ObjectRef): Promise<ObjectStream> {
    refuseDotSegments(ref);
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.version }));
      const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      return { size: out.ContentLength ?? 0, body: guarded(ref, body ?? emptyBody()), discard: () => body?.destroy?.() };
    } catch (error) {
      throw translate(ref, error);
    }
  }

  /**
   * PutObject, whole (S3 shows an object only once all of it arrived). With `ifAbsent` the
   * request carries `If-None-Match: *` (S3 conditional writes: 412 when the key exists); servers
   * that ignore the header are asked with HeadObject first, which narrows the race to the two calls.
   */
  async put(ref: ObjectRef, bytes: Uint8Array, options: PutOptions): Promise<void> {
    const problem = objectKeyProblem(ref.key);
    if (problem) throw new ObjectStoreError('invalid-key', ref, problem);
    if (ref.version !== undefined) throw new ObjectStoreError('invalid-key', ref, 'A write creates a new object; it takes no version.');
    if (options.ifAbsent && (await this.#exists(ref))) throw new ObjectStoreError('already-exists', ref, 'An object already exists under this key.');
    try {
      await this.#client.send(new PutObjectCommand({
        Bucket: ref.bucket, Key: ref.key, Body: bytes, ContentType: options.contentType, ContentLength: bytes.byteLength,
        ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}),
      }));
    } catch (error) {
      if (statusOf(error) === 412 || (error as Error).name === 'PreconditionFailed') {
        throw new ObjectStoreError('already-exists', ref, 'An object already exists under this key.');
      }
      throw translate(ref, error);
    }
  }

  close(): void {
    this.#client.destroy();
  }

  async #exists(ref: ObjectRef): Promise<boolean> {
    try {
      await this.head(ref);
      return true;
    } catch (error) {
      if (error instanceof ObjectStoreError && error.reason === 'no-such-key') return false;
      throw error;
    }
  }

  async #bucketExists(ref: ObjectRef): Promise<boolean> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: ref.bucket }));
      return true;
    } catch (error) {
      return statusOf(error) !== 404;
    }
  }
}

/**
 * Collects bytes [skip, skip + length) of a body. A ranged answer is read to its end, so the
 * connection goes back to the pool; the rest of a whole-object answer (a server that ignored the
 * Range) is released unread instead.
 */
async function readAtMost(
  ref: ObjectRef, body: AsyncIterable<Uint8Array> | undefined, skip: number, length: number, wholeObject: boolean,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let seen = 0;
  let kept = 0;
  try {
    for await (const chunk of body) {
      const from = Math.max(0, skip - seen);
      seen += chunk.byteLength;
      if (from >= chunk.byteLength) continue;
      const part = Buffer.from(chunk.buffer, chunk.byteOffset + from, Math.min(chunk.byteLength - from, length - kept));
      if (part.byteLength > 0) parts.push(part);
      kept += part.byteLength;
      if (kept >= length && wholeObject) break; // leaving the loop destroys the stream
    }
  } catch (error) {
    throw translate(ref, error);
  }
  return Buffer.concat(parts, kept);
}

async function* guarded(ref: ObjectRef, body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw translate(ref, error);
  }
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** S3 error names and statuses → the few reasons Trove acts on. */
function translate(ref: ObjectRef, error: unknown): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const name = (error as Error).name;
  const status = statusOf(error);
  const message = (error as Error).message || name;
  let reason: ObjectStoreFailure;
  if (name === 'NoSuchBucket') reason = 'no-such-bucket';
  else if (name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound' || status === 404) reason = 'no-such-key';
  // S3 answers a version id of the wrong form with 400 InvalidArgument: that version cannot exist.
  else if (name === 'InvalidArgument' && ref.version !== undefined) reason = 'no-such-key';
  else if (status === 403 || status === 401 || name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') reason = 'access-denied';
  else reason = 'unavailable';
  return new ObjectStoreError(reason, ref, status === undefined ? message : `${name} (HTTP ${status}): ${message}`);
}

/** A key with a `.` or `..` segment is no object (hasDotSegment): never sent, since a server may resolve it into another bucket. */
function refuseDotSegments(ref: ObjectRef): void {
  if (hasDotSegment(ref.key)) throw new ObjectStoreError('no-such-key', ref, 'The specified key does not exist (a key with a . or .. segment names no object).');
}
