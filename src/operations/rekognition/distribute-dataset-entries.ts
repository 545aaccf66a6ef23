import type { DistributeDatasetEntriesInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DistributeDatasetEntries.html */
export function distributeDatasetEntries(services: RekognitionServices): Operation<DistributeDatasetEntriesInput, Record<string, never>> {
  return {
    name: 'DistributeDatasetEntries',
    input: inputShapes.DistributeDatasetEntries,
    async handle(input, { caller }) {
      const [first, second] = input.Datasets;
      await services.entries.acceptDistribute(caller, [first.Arn, second.Arn]);
      return {};
    },
  };
}
