import type { ListDatasetLabelsInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_ListDatasetLabels.html */
export function listDatasetLabels(services: RekognitionServices): Operation<ListDatasetLabelsInput, unknown> {
  return {
    name: 'ListDatasetLabels',
    input: inputShapes.ListDatasetLabels,
    async handle(input, { caller }) {
      const { labels, nextToken } = await services.entries.labels(caller, input.DatasetArn, {
        maxResults: input.MaxResults ?? 100,
        nextToken: input.NextToken || undefined,
      });
      return {
        DatasetLabelDescriptions: labels.map((label) => ({
          LabelName: label.label,
          LabelStats: {
            EntryCount: label.entryCount,
            // AWS's SDK example omits BoundingBoxCount for image-level labels; Trove sends it only when non-zero.
            BoundingBoxCount: label.boundingBoxCount > 0 ? label.boundingBoxCount : undefined,
          },
        })),
        NextToken: nextToken,
      };
    },
  };
}
