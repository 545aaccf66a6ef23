import type { GetDatasetEntriesPageTokenInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { asTroveError } from './rekognition-errors.js';
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
