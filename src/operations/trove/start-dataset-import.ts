import type { StartDatasetImportInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/rekognition/datasets/{datasetArn}/imports` `{"format", "source", "images"?}`
 * (202): imports a COCO file or a YOLO archive from the object store as one change of the
 * dataset (UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED, as UpdateDatasetEntries). The
 * answer's `revision` is the one the import will be, where what it left out is read.
 */
export function startDatasetImport(services: TroveServices): Operation<StartDatasetImportInput> {
  return {
    name: 'StartDatasetImport',
    input: inputShapes.StartDatasetImport,
    async handle(input, { caller }) {
      return services.imports.start(caller, {
        datasetArn: input.datasetArn, format: input.format === 'COCO' ? 'coco' : 'yolo', source: input.source, images: input.images,
      });
    },
  };
}
