import { CreateDatasetCommand, CreateProjectCommand } from '@aws-sdk/client-rekognition';
import type { DatasetDescription, RekognitionClient } from '@aws-sdk/client-rekognition';
import { classificationLine, settled } from './rekognition.js';

let projects = 0;

/** A new project's TRAIN dataset created from the manifest at s3://bucket/key, once settled. */
export async function datasetFromManifest(
  client: RekognitionClient, bucket: string, key: string, version?: string,
): Promise<{ arn: string; description: DatasetDescription }> {
  const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `manifest-${process.pid}-${++projects}` }));
  const { DatasetArn } = await client.send(new CreateDatasetCommand({
    ProjectArn, DatasetType: 'TRAIN',
    DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: bucket, Name: key, Version: version } } },
  }));
  return { arn: DatasetArn!, description: await settled(client, DatasetArn!) };
}

/** `count` classification lines for images bucket/prefix-0.png..., labels cycling through `labels`. */
export function classificationLines(bucket: string, prefix: string, count: number, labels = ['cat', 'dog']): string[] {
  return Array.from({ length: count }, (_, i) => classificationLine(`s3://${bucket}/${prefix}-${i}.png`, labels[i % labels.length]));
}

/** The StatusMessage's leading AWS code ("ERROR_X: ..."). */
export function statusCode(description: DatasetDescription): string | undefined {
  return description.StatusMessage?.split(':')[0];
}
