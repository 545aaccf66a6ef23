import type { UpdateDatasetExamplesInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_UpdateDatasetExamples.html */
export function updateDatasetExamples(services: AgentCoreServices): Operation<UpdateDatasetExamplesInput> {
  return {
    name: 'UpdateDatasetExamples',
    input: inputShapes.UpdateDatasetExamples,
    async handle(input, { caller, requestDigest, requestJson }) {
      const updated = await services.examples.update(caller, input, requestDigest, requestJson);
      return { ...updated, updatedAt: toEpochSeconds(updated.updatedAt) };
    },
  };
}
