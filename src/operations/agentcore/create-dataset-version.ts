import type { CreateDatasetVersionInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_CreateDatasetVersion.html */
export function createDatasetVersion(services: AgentCoreServices): Operation<CreateDatasetVersionInput> {
  return {
    name: 'CreateDatasetVersion',
    input: inputShapes.CreateDatasetVersion,
    async handle(input, { caller, requestDigest }) {
      const created = await services.versions.create(caller, input, requestDigest);
      return { ...created, createdAt: toEpochSeconds(created.createdAt) };
    },
  };
}
