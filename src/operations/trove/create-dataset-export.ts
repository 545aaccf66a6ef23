import type { CreateDatasetExportInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { EntryFormat } from '../../domain/exchange/export-service.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/rekognition/datasets/{datasetArn}/exports` `{"format", "at"?}`: a signed,
 * expiring link that streams the dataset at a revision or snapshot (`at` absent: the committed
 * revision) as a Ground Truth manifest, COCO JSON or a YOLO tar archive.
 */
export function createDatasetExport(services: TroveServices): Operation<CreateDatasetExportInput> {
  return {
    name: 'CreateDatasetExport',
    input: inputShapes.CreateDatasetExport,
    async handle(input, { caller, origin }) {
      return services.exports.exportEntries(caller, origin, input.datasetArn, input.format.toLowerCase() as EntryFormat, input.at);
    },
  };
}
