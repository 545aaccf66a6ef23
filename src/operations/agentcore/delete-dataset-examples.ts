import type { DeleteDatasetExamplesInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_DeleteDatasetExamples.html */
export function deleteDatasetExamples(services: AgentCoreServices): Operation<DeleteDatasetExamplesInput> {
  return {
    name: 'DeleteDatasetExamples',
    input: inputShapes.DeleteDatasetExamples,
    async handle(input, { caller, requestDigest }) {
      const deleted = await services.examples.delete(caller, input, requestDigest);
      return { ...deleted, updatedAt: toEpochSeconds(deleted.updatedAt) };
    },
  };
}
