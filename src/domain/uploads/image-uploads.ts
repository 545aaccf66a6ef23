// Images uploaded from a person's computer (the console's "Add images"), written into a bucket of
// the object store that the caller's account may write: its own, or one it holds a read-write
// grant on, and only where its key's allow-lists allow s3:PutObject (buckets/object-access.ts).
// Once written, an image is an ordinary object: the client makes it an entry with
// UpdateDatasetEntries like any other (docs/object-storage.md).

import { requesterOf } from '../../buckets/object-access.js';
import type { ObjectAccess, WritableBucket } from '../../buckets/object-access.js';
import type { ObjectRef } from '../../object-store/object-store.js';
import type { Caller } from '../caller.js';
import { headerOfBytes } from '../rekognition/images/image-header.js';
import type { ImageFormat } from '../rekognition/images/image-header.js';
import { IMAGE_LIMITS } from '../rekognition/images/image-rules.js';

export interface UploadedImage {
  readonly ref: ObjectRef;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly size: number;
}

/** The bytes are not an image Rekognition takes (checked before anything is written). */
export class NotAnImage extends Error {}

export class ImageUploads {
  constructor(private readonly objects: ObjectAccess) {}

  /**
   * Writes `bytes` to `ref` for `caller` when they are a whole PNG or JPEG of at most 15 MB (AWS
   * Custom Labels' limits; the type is read from the bytes, never from a name or Content-Type).
   * `overwrite` false keeps an object already under the key (ObjectStoreError `already-exists`).
   * Throws NotAnImage, ObjectAccessDenied, or ObjectStoreError.
   */
  async upload(caller: Caller, ref: ObjectRef, bytes: Buffer, overwrite: boolean): Promise<UploadedImage> {
    if (bytes.length === 0) throw new NotAnImage('The body is empty: send the image\'s bytes.');
    if (bytes.length > IMAGE_LIMITS.maxBytes) throw new NotAnImage(`The image is ${bytes.length} bytes; an image may have at most ${IMAGE_LIMITS.maxBytes} (15 MB).`);
    const header = headerOfBytes(bytes);
    if (header.kind === 'other') throw new NotAnImage(`The body is ${header.what}; only PNG and JPEG images can be uploaded.`);
    if (header.kind !== 'image') throw new NotAnImage(header.kind === 'invalid' ? header.detail : 'The image header could not be read.');
    await this.objects.reader(requesterOf(caller)).put(ref, bytes, {
      contentType: header.format === 'PNG' ? 'image/png' : 'image/jpeg', ifAbsent: !overwrite,
    });
    return { ref, format: header.format, width: header.width, height: header.height, size: bytes.length };
  }

  /** The buckets the caller may upload into (ObjectAccess.writableBuckets). */
  async writableBuckets(caller: Caller): Promise<{ buckets: WritableBucket[]; anyBucket: boolean }> {
    return this.objects.writableBuckets(requesterOf(caller));
  }
}
