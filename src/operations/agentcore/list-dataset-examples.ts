import type { ListDatasetExamplesInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_ListDatasetExamples.html */
export function listDatasetExamples(services: AgentCoreServices): Operation<ListDatasetExamplesInput> {
  return {
    name: 'ListDatasetExamples',
    input: inputShapes.ListDatasetExamples,
    async handle(input, { caller }) {
      const page = await services.examples.list(caller, input.datasetId, {
        datasetVersion: input.datasetVersion,
        // AWS (original model docs): "Default: 1000. Min: 1, max: 1000".
        maxResults: input.maxResults ?? 1000,
        nextToken: input.nextToken || undefined,
      });
      return {
        datasetArn: page.record.arn,
        datasetId: page.record.datasetId,
        datasetVersion: page.datasetVersion,
        examples: page.examples.map((line) => JSON.parse(line) as unknown),
        nextToken: page.nextToken,
      };
    },
  };
}
