import type { UploadDatasetImportInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/rekognition/datasets/{datasetArn}/uploads?format=&name=[&images=]`, body: the
 * file (202): StartDatasetImport of a file the caller sends instead of one in the object store
 * (`bin/trove import --from ./flowers.json`): staged in the store as it streams in, then one
 * change of the dataset, applied by the same job; the answer's `revision` is the one it will be.
 */
export function uploadDatasetImport(services: TroveServices): Operation<UploadDatasetImportInput> {
  return {
    name: 'UploadDatasetImport',
    input: inputShapes.UploadDatasetImport,
    async handle(input, { caller, payload }) {
      if (!payload) throw new Error('UploadDatasetImport needs its body as a stream (HttpBinding.streamed)');
      return services.imports.upload(caller, {
        datasetArn: input.datasetArn, format: input.format === 'COCO' ? 'coco' : 'yolo', name: input.name, images: input.images,
      }, payload);
    },
  };
}
