import type { GetDatasetInput } from '../../api/agentcore/inputs.js';
import { inputShapes } from '../../api/agentcore/inputs.js';
import { toEpochSeconds } from '../../lib/clock.js';
import type { Operation } from '../operation.js';
import type { AgentCoreServices } from './services.js';

/** https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_GetDataset.html */
export function getDataset(services: AgentCoreServices): Operation<GetDatasetInput> {
  return {
    name: 'GetDataset',
    input: inputShapes.GetDataset,
    async handle(input, { caller, origin }) {
      const { record: d, datasetVersion, exampleCount, download } = await services.datasets.get(caller, input.datasetId, input.datasetVersion);
      return {
        datasetArn: d.arn,
        datasetId: d.datasetId,
        datasetVersion,
        datasetName: d.name,
        description: d.description ?? undefined,
        status: d.status,
        draftStatus: d.draftStatus,
        failureReason: d.failureReason ?? undefined,
        schemaType: d.schemaType,
        kmsKeyArn: d.kmsKeyArn ?? undefined,
        // AWS: "The number of examples in the DRAFT"; for a numbered version, that version's (UNCONFIRMED).
        exampleCount,
        downloadUrl: download && `${origin}${download.path}`,
        downloadUrlExpiresAt: download && toEpochSeconds(download.expiresAt),
        createdAt: toEpochSeconds(d.createdAt),
        updatedAt: toEpochSeconds(d.updatedAt),
        tags: d.tags ?? undefined,
      };
    },
  };
}
