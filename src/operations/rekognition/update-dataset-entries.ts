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
      // The blob travels as base64; its decoded size (1..5,242,880 bytes) was checked with the shape.
      await services.entries.acceptUpdate(caller, input.DatasetArn, Buffer.from(input.Changes.GroundTruth, 'base64'));
      return {};
    },
  };
}
