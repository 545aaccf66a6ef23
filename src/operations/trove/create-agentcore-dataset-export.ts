import type { CreateAgentCoreDatasetExportInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/agentcore/datasets/{datasetId}/exports` `{"format", "datasetVersion"?}`: a
 * signed, expiring link that streams a published version or the DRAFT as JSONL (what GetDataset's
 * downloadUrl serves) or CSV.
 */
export function createAgentCoreDatasetExport(services: TroveServices): Operation<CreateAgentCoreDatasetExportInput> {
  return {
    name: 'CreateAgentCoreDatasetExport',
    input: inputShapes.CreateAgentCoreDatasetExport,
    async handle(input, { caller, origin }) {
      return services.exports.exportExamples(caller, origin, input.datasetId, input.format === 'CSV' ? 'csv' : 'jsonl', input.datasetVersion);
    },
  };
}
