import type { UntagResourceInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_UntagResource.html */
export function untagResource(services: AgentCoreServices): Operation<UntagResourceInput> {
  return {
    name: 'UntagResource',
    input: inputShapes.UntagResource,
    async handle(input, { caller }) {
      await services.tags.untag(caller, input.resourceArn, input.tagKeys);
      return {};
    },
  };
}
