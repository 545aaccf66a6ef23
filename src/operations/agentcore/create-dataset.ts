import type { CreateDatasetInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_CreateDataset.html */
export function createDataset(services: AgentCoreServices): Operation<CreateDatasetInput> {
  return {
    name: 'CreateDataset',
    input: inputShapes.CreateDataset,
    async handle(input, { caller, requestDigest, requestJson }) {
      const created = await services.datasets.create(caller, input, requestDigest, requestJson);
      return { ...created, createdAt: toEpochSeconds(created.createdAt) };
    },
  };
}
