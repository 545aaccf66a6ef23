import type { UpdateDatasetEntriesInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_UpdateDatasetEntries.html */
export function updateDatasetEntries(services: RekognitionServices): Operation<UpdateDatasetEntriesInput, Record<string, never>> {
  return {
    name: 'UpdateDatasetEntries',
    input: inputShapes.UpdateDatasetEntries,
    async handle(input, { caller }) {
      // The blob travels as base64; validating the input decoded it and checked its size (1..5,242,880 bytes).
      await services.entries.acceptUpdate(caller, input.DatasetArn, input.Changes.GroundTruth);
      return {};
    },
  };
}
