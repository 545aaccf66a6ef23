import { DescribeDatasetCommand } from '@aws-sdk/client-rekognition';
import type { DatasetDescription } from '@aws-sdk/client-rekognition';
import { useClients } from '../lib/clients.js';
import { usePolling } from '../lib/hooks.js';

/** Live DescribeDataset: every 2 s while the dataset is being created, updated or deleted, every 15 s otherwise. */
export function useDataset(arn: string) {
  const { rekognition } = useClients();
  return usePolling<DatasetDescription | undefined>(
    async (signal) => (await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }), { abortSignal: signal })).DatasetDescription,
    (dataset) => (dataset?.Status?.endsWith('_IN_PROGRESS') ? 2_000 : 15_000),
    [arn],
  );
}
