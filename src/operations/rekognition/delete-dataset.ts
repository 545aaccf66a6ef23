import type { DeleteDatasetInput } from '../../api/rekognition/inputs.js';
import { inputShapes } from '../../api/rekognition/inputs.js';
import type { Operation } from '../operation.js';
import type { RekognitionServices } from './services.js';

/** https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DeleteDataset.html */
export function deleteDataset(services: RekognitionServices): Operation<DeleteDatasetInput, Record<string, never>> {
  return {
    name: 'DeleteDataset',
    input: inputShapes.DeleteDataset,
    async handle(input, { caller }) {
      await services.datasets.delete(caller, input.DatasetArn);
      return {};
    },
  };
}
