import * as rekognition from '../../api/rekognition/errors.js';
import { ConflictException, ResourceNotFoundException, ValidationException } from '../../api/trove/errors.js';

/** The Rekognition domain's errors in the Trove API's names and statuses (restJson: 404, 409, 400). */
export function asTroveError(error: unknown): unknown {
  if (error instanceof rekognition.ResourceNotFoundException) return new ResourceNotFoundException(error.message);
  if (error instanceof rekognition.ResourceNotReadyException) return new ConflictException(error.message);
  if (error instanceof rekognition.ResourceInUseException) return new ConflictException(error.message);
  if (error instanceof rekognition.InvalidPaginationTokenException) {
    return new ValidationException('The listingToken is not a token of this dataset\'s listing with these filters, or it has expired.', [
      { name: 'listingToken', message: 'Member must be a NextToken of the same listing' },
    ]);
  }
  return error;
}
