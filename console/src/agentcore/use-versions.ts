import { ListDatasetVersionsCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { DatasetVersionSummary } from '@aws-sdk/client-bedrock-agentcore-control';
import { useClients } from '../lib/clients.js';
import { useAsync } from '../lib/hooks.js';

/** Every published version, newest first (ListDatasetVersions; at most 100 per dataset). */
export function useVersions(datasetId: string | undefined, refreshKey: unknown) {
  const { agentcore } = useClients();
  return useAsync(async (signal) => {
    if (datasetId === undefined) return [];
    const versions: DatasetVersionSummary[] = [];
    let token: string | undefined;
    do {
      const out = await agentcore.send(new ListDatasetVersionsCommand({ datasetId, maxResults: 100, nextToken: token }), { abortSignal: signal });
      versions.push(...(out.versions ?? []));
      token = out.nextToken;
    } while (token);
    return versions;
  }, [datasetId, refreshKey]);
}
