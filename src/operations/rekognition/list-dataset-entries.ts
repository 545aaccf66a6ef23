import type { ListDatasetEntriesInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_ListDatasetEntries.html */
export function listDatasetEntries(services: RekognitionServices): Operation<ListDatasetEntriesInput, unknown> {
  return {
    name: 'ListDatasetEntries',
    input: inputShapes.ListDatasetEntries,
    async handle(input, { caller }) {
      const { entries, nextToken } = await services.entries.list(caller, input.DatasetArn, {
        filter: {
          containsLabels: input.ContainsLabels,
          labeled: input.Labeled,
          // HasErrors=false is no filter (domain/rekognition/entry-service.ts says why).
          hasErrors: input.HasErrors,
          sourceRefContains: input.SourceRefContains,
        },
        maxResults: input.MaxResults ?? 100,
        // AWS samples send NextToken: "" on the first call: an empty token means the first page.
        nextToken: input.NextToken || undefined,
      });
      // AWS: the last page has no NextToken at all (never ""), or the doc loops never end.
      return { DatasetEntries: entries, NextToken: nextToken };
    },
  };
}
