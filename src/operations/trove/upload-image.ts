import { AccessDeniedException, ConflictException, InternalServerException, ResourceNotFoundException, ValidationException } from '../../api/trove/errors.js';
import type { UploadImageInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import { ObjectAccessDenied } from '../../buckets/object-access.js';
import { NotAnImage } from '../../domain/uploads/image-uploads.js';
import { formatS3Uri, ObjectStoreError } from '../../object-store/object-store.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `PUT /_trove/api/images?bucket=…&key=…[&overwrite=true]` with the image's bytes as the body
 * (Smithy @httpPayload, any Content-Type): writes a PNG or JPEG of at most 15 MB into a bucket the
 * caller may write (its account's own or a read-write grant, and s3:PutObject in its key's
 * allow-lists). The type is read from the bytes. Without `overwrite`, an existing object is kept
 * (ConflictException). The answer names the object as a source-ref would.
 */
export function uploadImage(services: TroveServices): Operation<UploadImageInput> {
  return {
    name: 'UploadImage',
    input: inputShapes.UploadImage,
    async handle(input, { caller }) {
      const ref = { bucket: input.bucket, key: input.key };
      try {
        const image = await services.imageUploads.upload(caller, ref, input.body, input.overwrite === true);
        return { s3Uri: formatS3Uri(image.ref), format: image.format, width: image.width, height: image.height, size: image.size };
      } catch (error) {
        throw uploadError(error);
      }
    },
  };
}

function uploadError(error: unknown): unknown {
  if (error instanceof NotAnImage) return new ValidationException(error.message, [{ name: 'body', message: error.message }]);
  if (error instanceof ObjectAccessDenied) return new AccessDeniedException(error.message);
  if (!(error instanceof ObjectStoreError)) return error;
  switch (error.reason) {
    case 'invalid-key':
      return new ValidationException(`The key cannot name an object: ${error.detail}`, [{ name: 'key', message: error.detail }]);
    case 'already-exists':
      return new ConflictException(`${formatS3Uri(error.ref)} exists already; choose another key, or send overwrite=true to replace it.`);
    case 'no-such-bucket':
      return new ResourceNotFoundException(`The object store has no bucket ${error.ref.bucket}.`);
    case 'access-denied':
      return new InternalServerException(`The object store refused Trove's write (an operator must fix its permissions): ${error.message}`);
    default:
      return new InternalServerException(`The object store did not take the image: ${error.message}`);
  }
}
