import type { GetDatasetErrorCountsInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { asTroveError } from './rekognition-errors.js';
import type { TroveServices } from './services.js';

/**
 * `GET /_trove/api/rekognition/datasets/{datasetArn}/error-counts`: the dataset's entries by
 * cl-error code, counted on the server (AWS has no such count; DescribeDataset's ErrorEntries is
 * one number), so a console shows exact counts without reading every entry with errors itself.
 * One call reads within a budget; with `nextToken` the counts are of the part read so far, and
 * the caller adds the next calls' counts to them (domain/rekognition/error-counts.ts).
 */
export function getDatasetErrorCounts(services: TroveServices): Operation<GetDatasetErrorCountsInput> {
  return {
    name: 'GetDatasetErrorCounts',
    input: inputShapes.GetDatasetErrorCounts,
    async handle(input, { caller }) {
      try {
        const counts = await services.rekognitionEntries.errorCounts(caller, input.datasetArn, input.nextToken);
        return {
          revision: counts.revision,
          entriesRead: counts.entries,
          // Most frequent first, then by code: the order the console lists them in.
          errorCounts: [...counts.codes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([code, entries]) => ({ code, entries })),
          nextToken: counts.nextToken,
        };
      } catch (error) {
        throw asTroveError(error);
      }
    },
  };
}
