import type { UpdateDatasetInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_UpdateDataset.html */
export function updateDataset(services: AgentCoreServices): Operation<UpdateDatasetInput> {
  return {
    name: 'UpdateDataset',
    input: inputShapes.UpdateDataset,
    async handle(input, { caller, requestDigest }) {
      const updated = await services.datasets.update(caller, input, requestDigest);
      return { ...updated, updatedAt: toEpochSeconds(updated.updatedAt) };
    },
  };
}
