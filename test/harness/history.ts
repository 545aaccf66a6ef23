import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { DatasetDescription, RekognitionClient } from '@aws-sdk/client-rekognition';
import { expect } from 'vitest';
import { DatasetHistoryClient } from '../../src/client/dataset-history-client.js';
import { TroveApiCallError, TroveApiClient } from '../../src/client/trove-api-client.js';
import { allEntries, lines, settled } from './rekognition.js';
import { TEST_CREDENTIALS } from './server.js';

/** The Trove API's history operations for a server, signed like the SDK clients of the harness (us-east-1). */
export function historyClient(url: string, credentials = TEST_CREDENTIALS): DatasetHistoryClient {
  return new DatasetHistoryClient(new TroveApiClient({ endpoint: url, region: 'us-east-1', credentials }));
}

let projects = 0;

/** A new project's empty TRAIN dataset, settled. */
export async function emptyDataset(client: RekognitionClient, prefix: string): Promise<string> {
  const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `${prefix}-${process.pid}-${++projects}` }));
  const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
  await settled(client, DatasetArn!);
  return DatasetArn!;
}

/** UpdateDatasetEntries with these lines (joined by newlines), settled. */
export async function update(client: RekognitionClient, datasetArn: string, ...items: string[]): Promise<DatasetDescription> {
  await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: datasetArn, Changes: { GroundTruth: lines(...items) } }));
  return settled(client, datasetArn);
}

/** The dataset's entries through ListDatasetEntries (the official SDK), sorted by source-ref, as text. */
export async function currentEntries(client: RekognitionClient, datasetArn: string): Promise<string[]> {
  return (await allEntries(client, { DatasetArn: datasetArn })).map((entry) => JSON.stringify(entry)).sort();
}

/** Every entry at a revision or snapshot through the Trove API, sorted as currentEntries. */
export async function entriesAt(history: DatasetHistoryClient, datasetArn: string, at: string, maxResults = 3): Promise<string[]> {
  const lines = await history.all((nextToken) => history.entriesAt(datasetArn, at, { maxResults, nextToken }), (page) => page.entries);
  return lines.map((line) => JSON.stringify(JSON.parse(line))).sort();
}

/** The TroveApiClient's rejection of a call that must fail, observed as the call starts. */
export async function apiFailure(call: Promise<unknown>): Promise<TroveApiCallError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  return error as TroveApiCallError;
}
