import { execFile, spawnSync } from 'node:child_process';
import { CreateDatasetCommand, CreateProjectCommand, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cocoTransformLine, multilabelTransformLine } from '../../harness/aws-guide-lines.js';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// What the Custom Labels Developer Guide's own programs send, unchanged (facts §8): the COCO
// transform's float boxes, the SageMaker multi-label transform's type, and the listing program's
// HasErrors=False meaning "not only errors".

const boto3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
if (!boto3) console.warn('[aws guide programs] python3 with boto3 is not installed: the boto3 case is skipped');

/** md-listing-dataset-entries-sdk's list_dataset_entries, as printed in the guide, counting instead of printing. */
const GUIDE_LISTING = `
import sys, boto3
def list_dataset_entries(rek_client, dataset_arn, show_errors):
    finished = False
    count = 0
    next_token = ""
    show_errors_only = False
    if show_errors.lower() == "true":
        show_errors_only = True
    while finished == False:
        response = rek_client.list_dataset_entries(DatasetArn=dataset_arn, HasErrors=show_errors_only, MaxResults=100, NextToken=next_token)
        count += len(response['DatasetEntries'])
        if not 'NextToken' in response:
            finished = True
        else:
            next_token = response['NextToken']
    return count
client = boto3.client('rekognition', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')
print(list_dataset_entries(client, sys.argv[2], sys.argv[3]))
`;

describe.each(BACKENDS)('the Developer Guide\'s programs (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let DatasetArn: string;
  const plain = Array.from({ length: 150 }, (_, i) => classificationLine(`s3://guide-bucket/plain/${i}.jpg`, 'plain'));
  // One entry with an error: its second box runs off the 640 px wide frame.
  const broken = detectionLine('s3://guide-bucket/broken.jpg', [{ label: 'echo', left: 10, top: 10, width: 50, height: 50 }, { label: 'echo', left: 600, top: 10, width: 80, height: 50 }]);

  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'guide' }));
    ({ DatasetArn } = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))) as { DatasetArn: string });
    await settled(client, DatasetArn);
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn, Changes: { GroundTruth: lines(cocoTransformLine('guide-bucket'), multilabelTransformLine('guide-bucket'), broken, ...plain) },
    }));
  });
  afterAll(async () => server?.close());

  it('takes the COCO transform\'s float boxes and the multi-label transform\'s type without errors', async () => {
    const { DatasetStats } = await settled(client, DatasetArn);
    expect(DatasetStats).toMatchObject({ TotalEntries: 153, LabeledEntries: 153, ErrorEntries: 1, TotalLabels: 5 });
    const { DatasetLabelDescriptions } = await client.send(new ListDatasetLabelsCommand({ DatasetArn }));
    const stats = Object.fromEntries(DatasetLabelDescriptions!.map((d) => [d.LabelName, d.LabelStats]));
    expect(stats['echo']).toEqual({ EntryCount: 2, BoundingBoxCount: 2 });
    for (const name of ['bicycle', 'person', 'clothing']) expect(stats[name]).toEqual({ EntryCount: 1 });
    const [coco] = await allEntries(client, { DatasetArn, SourceRefContains: 'xxxxxxxxx.jpg' });
    expect((coco['bounding-box'] as { annotations: unknown[] }).annotations).toEqual([{ left: 19.23, top: 383.18, width: 314.5, height: 244.46, class_id: 0 }]);
    expect(coco).not.toHaveProperty('cl-errors');
  });

  it('lists the whole dataset for HasErrors=false, like an omitted filter, and only errors for true', async () => {
    const all = await allEntries(client, { DatasetArn });
    expect(all).toHaveLength(153);
    expect(await allEntries(client, { DatasetArn, HasErrors: false })).toEqual(all);
    expect((await allEntries(client, { DatasetArn, HasErrors: true })).map((e) => e['source-ref'])).toEqual(['s3://guide-bucket/broken.jpg']);
  });

  it.skipIf(!boto3)('runs the guide\'s boto3 listing program unchanged: "false" lists everything', async () => {
    const count = (showErrors: string) => new Promise<number>((resolve, reject) => {
      // Async so the in-process server keeps serving while Python runs.
      execFile('python3', ['-c', GUIDE_LISTING, server.url, DatasetArn, showErrors], {
        env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }, timeout: 60_000,
      }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(Number(stdout.trim()))));
    });
    expect(await count('false')).toBe(153);
    expect(await count('true')).toBe(1);
  });
});
