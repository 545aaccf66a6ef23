import type { ListDatasetsInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_ListDatasets.html */
export function listDatasets(services: AgentCoreServices): Operation<ListDatasetsInput> {
  return {
    name: 'ListDatasets',
    input: inputShapes.ListDatasets,
    async handle(input, { caller }) {
      // UNCONFIRMED default page size; 100 is the model's maximum.
      const { datasets, nextToken } = await services.datasets.list(caller, { maxResults: input.maxResults ?? 100, nextToken: input.nextToken || undefined });
      return {
        // AWS: "No presigned URLs in list results"; exampleCount is the DRAFT's.
        datasets: datasets.map((d) => ({
          datasetArn: d.arn,
          datasetId: d.datasetId,
          datasetName: d.name,
          description: d.description ?? undefined,
          status: d.status,
          draftStatus: d.draftStatus,
          schemaType: d.schemaType,
          exampleCount: d.exampleCount,
          createdAt: toEpochSeconds(d.createdAt),
          updatedAt: toEpochSeconds(d.updatedAt),
        })),
        // AWS: the last page has no nextToken (boto3's paginator stops only on a missing one, not "").
        nextToken,
      };
    },
  };
}
