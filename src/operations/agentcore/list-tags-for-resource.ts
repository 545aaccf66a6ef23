import type { ListTagsForResourceInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_ListTagsForResource.html */
export function listTagsForResource(services: AgentCoreServices): Operation<ListTagsForResourceInput> {
  return {
    name: 'ListTagsForResource',
    input: inputShapes.ListTagsForResource,
    async handle(input, { caller }) {
      return { tags: await services.tags.list(caller, input.resourceArn) };
    },
  };
}
