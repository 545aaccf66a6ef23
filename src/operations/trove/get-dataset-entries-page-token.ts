import * as rekognition from '../../api/rekognition/errors.js';
import { ConflictException, ResourceNotFoundException, ValidationException } from '../../api/trove/errors.js';
import type { GetDatasetEntriesPageTokenInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/rekognition/entries-page-token`: a ListDatasetEntries `NextToken` whose page
 * starts at `position` of the listing with these filters, so any position of a 250,000-entry
 * dataset opens at once instead of after walking every page before it (AWS's pagination has no
 * random access). The token is an ordinary page token: the client goes on with the standard
 * ListDatasetEntries, on the revision of `listingToken` when given.
 */
export function getDatasetEntriesPageToken(services: TroveServices): Operation<GetDatasetEntriesPageTokenInput> {
  return {
    name: 'GetDatasetEntriesPageToken',
    input: inputShapes.GetDatasetEntriesPageToken,
    async handle(input, { caller }) {
      try {
        const { nextToken, entryCount } = await services.rekognitionEntries.tokenAt(caller, input.datasetArn, {
          filter: {
            containsLabels: input.containsLabels, labeled: input.labeled, hasErrors: input.hasErrors, sourceRefContains: input.sourceRefContains,
          },
          position: input.position,
          // An empty token means none, as ListDatasetEntries treats NextToken "".
          listingToken: input.listingToken || undefined,
        });
        return { position: input.position, nextToken, entryCount };
      } catch (error) {
        throw asTroveError(error);
      }
    },
  };
}

/** The Rekognition domain's errors in the Trove API's names and statuses (restJson: 404, 409, 400). */
function asTroveError(error: unknown): unknown {
  if (error instanceof rekognition.ResourceNotFoundException) return new ResourceNotFoundException(error.message);
  if (error instanceof rekognition.ResourceNotReadyException) return new ConflictException(error.message);
  if (error instanceof rekognition.InvalidPaginationTokenException) {
    return new ValidationException('The listingToken is not a token of this dataset\'s listing with these filters, or it has expired.', [
      { name: 'listingToken', message: 'Member must be a NextToken of the same listing' },
    ]);
  }
  return error;
}
