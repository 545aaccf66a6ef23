// The images behind a dataset's entries, for the web console (GET /_trove/images). A caller may
// read an object only through a dataset of its own that has an entry with that exact source-ref,
// so the route can never be used to read arbitrary objects from the store; and, like every read,
// only when its credential and the bucket's grants let it read the object (buckets/object-access.ts).

import { ResourceNotFoundException } from '../../../api/rekognition/errors.js';
import { formatS3Uri, ObjectStoreError, parseS3Uri } from '../../../object-store/object-store.js';
import type { ObjectStream } from '../../../object-store/object-store.js';
import { ObjectAccessDenied } from '../../../buckets/object-access.js';
import type { ObjectAccess } from '../../../buckets/object-access.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../../caller.js';
import type { DatasetService } from '../dataset-service.js';
import { sniffFormat } from './image-header.js';
import { IMAGE_LIMITS } from './image-rules.js';

/** Why an image is not served, in words for a person, with an HTTP status. */
export class ImageUnavailable extends Error {
  constructor(readonly status: 403 | 404 | 413 | 415 | 502, readonly code: string, message: string) {
    super(message);
    this.name = 'ImageUnavailable';
  }
}

export interface OpenedImage {
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly size: number;
  /** The object's bytes, starting with the ones read to learn its type. */
  readonly body: AsyncIterable<Uint8Array>;
  discard(): void;
}

export class ImageAccess {
  constructor(
    private readonly deps: { readonly store: Store; readonly objects: ObjectAccess },
    private readonly datasets: DatasetService,
  ) {}

  /**
   * The image `sourceRef` of the caller's dataset `datasetArn`, streamed. Throws
   * ResourceNotFoundException for a dataset the caller does not have, ImageUnavailable otherwise.
   */
  async open(caller: Caller, datasetArn: string, sourceRef: string): Promise<OpenedImage> {
    const dataset = await this.datasets.find(caller, datasetArn);
    if (!(await this.deps.store.rkEntries.hasSourceRef(dataset.id, dataset.revision, sourceRef))) {
      throw new ResourceNotFoundException(`The dataset ${datasetArn} has no entry with the source-ref ${sourceRef}.`);
    }
    const ref = parseS3Uri(sourceRef);
    if (!ref) throw new ImageUnavailable(404, 'NoSuchKey', `${sourceRef} is not an s3://bucket/key URI.`);
    let stream: ObjectStream;
    try {
      stream = await this.deps.objects.reader(caller).openRead(ref);
    } catch (error) {
      if (!(error instanceof ObjectStoreError)) throw error;
      if (error.reason === 'unavailable') throw new ImageUnavailable(502, 'ObjectStoreUnavailable', `The object store did not answer: ${error.message}`);
      if (error instanceof ObjectAccessDenied && error.byAllowList) throw new ImageUnavailable(403, 'AccessDeniedException', error.message);
      // One answer for "missing" and "not yours": it must not tell whether another account's object exists.
      throw new ImageUnavailable(404, 'NoSuchKey', `${formatS3Uri(ref)} does not exist or this account may not read it.`);
    }
    // AWS Custom Labels accepts images of at most 15 MB; larger objects are not worth sending to a browser.
    if (stream.size > IMAGE_LIMITS.maxBytes) {
      stream.discard();
      throw new ImageUnavailable(413, 'ImageTooLarge', `${formatS3Uri(ref)} is ${stream.size} bytes, more than the 15 MB an image may have.`);
    }
    return this.#typed(ref.bucket, ref.key, stream);
  }

  /** Reads the first bytes to learn the type: only PNG and JPEG are served (never HTML or SVG a browser might run). */
  async #typed(bucket: string, key: string, stream: ObjectStream): Promise<OpenedImage> {
    const iterator = stream.body[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let length = 0;
    try {
      while (length < 16) {
        const next = await iterator.next();
        if (next.done) break;
        head.push(Buffer.from(next.value));
        length += next.value.byteLength;
      }
    } catch (error) {
      stream.discard();
      if (error instanceof ObjectStoreError) throw new ImageUnavailable(502, 'ObjectStoreUnavailable', error.message);
      throw error;
    }
    const first = Buffer.concat(head);
    const format = sniffFormat(first);
    if (typeof format !== 'string') {
      stream.discard();
      throw new ImageUnavailable(415, 'UnsupportedImage', `s3://${bucket}/${key} is ${format.other}; only PNG and JPEG images are shown.`);
    }
    async function* body(): AsyncGenerator<Uint8Array> {
      yield first;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    }
    return { contentType: format === 'PNG' ? 'image/png' : 'image/jpeg', size: stream.size, body: body(), discard: () => stream.discard() };
  }
}
