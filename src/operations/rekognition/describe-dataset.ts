import type { DescribeDatasetInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeDataset.html */
export function describeDataset(services: RekognitionServices): Operation<DescribeDatasetInput, unknown> {
  return {
    name: 'DescribeDataset',
    input: inputShapes.DescribeDataset,
    async handle(input, { caller }) {
      const dataset = await services.datasets.describe(caller, input.DatasetArn);
      return {
        DatasetDescription: {
          CreationTimestamp: toEpochSeconds(dataset.createdAt),
          LastUpdatedTimestamp: toEpochSeconds(dataset.updatedAt),
          Status: dataset.status,
          StatusMessage: dataset.statusMessage,
          StatusMessageCode: dataset.statusMessageCode,
          DatasetStats: {
            LabeledEntries: dataset.labeledEntries,
            TotalEntries: dataset.totalEntries,
            TotalLabels: dataset.totalLabels,
            ErrorEntries: dataset.errorEntries,
          },
        },
      };
    },
  };
}
