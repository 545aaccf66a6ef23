import type { TagResourceInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_TagResource.html */
export function tagResource(services: AgentCoreServices): Operation<TagResourceInput> {
  return {
    name: 'TagResource',
    input: inputShapes.TagResource,
    async handle(input, { caller }) {
      await services.tags.tag(caller, input.resourceArn, input.tags);
      return {};
    },
  };
}
