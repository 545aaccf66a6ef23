import type { ListDatasetVersionsInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_ListDatasetVersions.html */
export function listDatasetVersions(services: AgentCoreServices): Operation<ListDatasetVersionsInput> {
  return {
    name: 'ListDatasetVersions',
    input: inputShapes.ListDatasetVersions,
    async handle(input, { caller }) {
      // UNCONFIRMED default page size; 100 is the model's maximum.
      const { versions, nextToken } = await services.versions.list(caller, input.datasetId, {
        maxResults: input.maxResults ?? 100, nextToken: input.nextToken || undefined,
      });
      return {
        versions: versions.map((v) => ({ datasetVersion: String(v.version), exampleCount: v.exampleCount, createdAt: toEpochSeconds(v.createdAt) })),
        nextToken,
      };
    },
  };
}
