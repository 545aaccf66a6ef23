import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { entryContent } from '../../src/domain/exchange/entry-content.js';
import type { TroveApiClient } from '../../src/client/trove-api-client.js';
import { putObject as putFile } from './console-fixtures.js';
import { lines, settled } from './rekognition.js';
import type { TestServer } from './server.js';

let projects = 0;

/** A new project's empty TRAIN dataset (optionally filled with `entries` by one UpdateDatasetEntries), settled. */
export async function newDataset(client: RekognitionClient, entries: string[] = []): Promise<string> {
  const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `exchange-${process.pid}-${++projects}` }));
  const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
  await settled(client, DatasetArn!);
  if (entries.length > 0) {
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...entries) } }));
    const done = await settled(client, DatasetArn!);
    if (done.Status !== 'UPDATE_COMPLETE') throw new Error(`update failed: ${done.StatusMessage}`);
  }
  return DatasetArn!;
}

/** Writes an object into the server's folder store: s3://bucket/key is <data dir>/buckets/bucket/key. */
export function putObject(server: TestServer, bucket: string, key: string, body: Buffer | string): string {
  return putFile(server.dataDir, bucket, key, Buffer.from(body));
}

const datasetPath = (arn: string) => `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}`;

export interface LinkAnswer { url: string; expiresAt: number; format: string; fileName: string; contentType: string; revision?: number }

/** CreateDatasetExport: a link to the dataset in `format` (MANIFEST, COCO, YOLO). */
export function exportLink(api: TroveApiClient, arn: string, format: string, at?: string): Promise<LinkAnswer> {
  return api.call<LinkAnswer>('POST', `${datasetPath(arn)}/exports`, { body: { format, ...(at ? { at } : {}) } });
}

/** StartDatasetImport. */
export function startImport(api: TroveApiClient, arn: string, format: string, source: string, images?: string) {
  return api.call<Record<string, unknown>>('POST', `${datasetPath(arn)}/imports`, { body: { format, source, ...(images ? { images } : {}) } });
}

/** What a format can carry of an entry, in a form to compare: labels sorted, boxes sorted. */
export function carried(line: string, options: { imageLabels?: boolean } = {}): Record<string, unknown> {
  const content = entryContent(line);
  return {
    sourceRef: content.sourceRef,
    ...(content.boxes.length > 0 ? { size: content.size } : {}),
    ...(options.imageLabels === false ? {} : { imageLabels: [...content.imageLabels].sort() }),
    boxes: content.boxes.map((box) => JSON.stringify([box.label, box.left, box.top, box.width, box.height])).sort(),
  };
}
