import type { AddDatasetExamplesInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_AddDatasetExamples.html */
export function addDatasetExamples(services: AgentCoreServices): Operation<AddDatasetExamplesInput> {
  return {
    name: 'AddDatasetExamples',
    input: inputShapes.AddDatasetExamples,
    async handle(input, { caller, requestDigest, requestJson }) {
      const added = await services.examples.add(caller, input, requestDigest, requestJson);
      return { ...added, updatedAt: toEpochSeconds(added.updatedAt) };
    },
  };
}
