import type { DeleteDatasetInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_DeleteDataset.html */
export function deleteDataset(services: AgentCoreServices): Operation<DeleteDatasetInput> {
  return {
    name: 'DeleteDataset',
    input: inputShapes.DeleteDataset,
    async handle(input, { caller }) {
      const deleted = await services.datasets.delete(caller, input.datasetId, input.datasetVersion);
      return { ...deleted, updatedAt: toEpochSeconds(deleted.updatedAt) };
    },
  };
}
