import {
  CreateDatasetCommand, CreateProjectCommand, DeleteDatasetCommand, DescribeDatasetCommand, DescribeProjectsCommand,
  InvalidParameterException, ResourceAlreadyExistsException, ResourceInUseException, ResourceNotFoundException,
  UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('Rekognition datasets (%s)', (backend) => {
  let server: TestServer;
  let n = 0;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  async function project(): Promise<string> {
    const { ProjectArn } = await server.rekognition().send(new CreateProjectCommand({ ProjectName: `p${++n}` }));
    return ProjectArn!;
  }

  it('creates an empty dataset: CREATE_IN_PROGRESS, then CREATE_COMPLETE with zero stats', async () => {
    const client = server.rekognition();
    const ProjectArn = await project();
    server.trove.runner.pause();
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN', Tags: { team: 'vision' } }));
    expect(DatasetArn).toMatch(new RegExp(`^${ProjectArn!.replace(/\/\d+$/, '')}/dataset/train/\\d{13}$`));
    const during = await client.send(new DescribeDatasetCommand({ DatasetArn }));
    expect(during.DatasetDescription).toMatchObject({ Status: 'CREATE_IN_PROGRESS', StatusMessageCode: 'SUCCESS' });
    server.trove.runner.resume();
    const done = await settled(client, DatasetArn!);
    expect(done).toMatchObject({
      Status: 'CREATE_COMPLETE', StatusMessageCode: 'SUCCESS',
      DatasetStats: { LabeledEntries: 0, TotalEntries: 0, TotalLabels: 0, ErrorEntries: 0 },
    });
    expect(typeof done.StatusMessage).toBe('string');
    expect(done.CreationTimestamp).toBeInstanceOf(Date);
    expect(done.LastUpdatedTimestamp!.getTime()).toBeGreaterThanOrEqual(done.CreationTimestamp!.getTime());
    const { ProjectDescriptions } = await client.send(new DescribeProjectsCommand({ ProjectNames: [ProjectArn.split('/')[1]] }));
    expect(ProjectDescriptions![0].Datasets).toEqual([expect.objectContaining({ DatasetArn, DatasetType: 'TRAIN', Status: 'CREATE_COMPLETE' })]);
  });

  it('allows one TRAIN and one TEST dataset per project', async () => {
    const client = server.rekognition();
    const ProjectArn = await project();
    await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }));
    await expect(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
  });

  it('copies another dataset, entries and stats included', async () => {
    const client = server.rekognition();
    const source = await project();
    const { DatasetArn: from } = await client.send(new CreateDatasetCommand({ ProjectArn: source, DatasetType: 'TRAIN' }));
    await settled(client, from!);
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn: from,
      Changes: { GroundTruth: lines(
        classificationLine('s3://bucket/1.jpg', 'cat'),
        detectionLine('s3://bucket/2.jpg', [{ label: 'dog', left: 10, top: 10, width: 50, height: 50 }, { label: 'dog', left: 0, top: 0, width: 1, height: 1 }]),
        JSON.stringify({ 'source-ref': 's3://bucket/3.jpg' }),
      ) },
    }));
    const original = await settled(client, from!);
    const target = await project();
    const { DatasetArn: to } = await client.send(new CreateDatasetCommand({ ProjectArn: target, DatasetType: 'TEST', DatasetSource: { DatasetArn: from } }));
    const copy = await settled(client, to!);
    expect(copy.Status).toBe('CREATE_COMPLETE');
    expect(copy.DatasetStats).toEqual(original.DatasetStats);
    expect(copy.DatasetStats).toEqual({ TotalEntries: 3, LabeledEntries: 2, ErrorEntries: 1, TotalLabels: 2 });
    expect(await allEntries(client, { DatasetArn: to })).toEqual(await allEntries(client, { DatasetArn: from }));
  });

  it('validates DatasetSource and says that S3 manifests are not available yet', async () => {
    const client = server.rekognition();
    const ProjectArn = await project();
    const datasetArn = `${ProjectArn.replace(/\/\d+$/, '')}/dataset/train/1690476084535`;
    await expect(client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { DatasetArn: datasetArn, GroundTruthManifest: { S3Object: { Bucket: 'bucket', Name: 'm' } } },
    }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN', DatasetSource: {} }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN', DatasetSource: { DatasetArn: datasetArn } })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'VALIDATION' as never }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new CreateDatasetCommand({ ProjectArn: 'arn:aws:rekognition:us-east-1:000000000000:project/x', DatasetType: 'TRAIN' })))
      .rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('refuses to delete while in progress, then deletes: DELETE_IN_PROGRESS → ResourceNotFoundException', async () => {
    const client = server.rekognition();
    const ProjectArn = await project();
    server.trove.runner.pause();
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await expect(client.send(new DeleteDatasetCommand({ DatasetArn }))).rejects.toBeInstanceOf(ResourceInUseException);
    server.trove.runner.resume();
    await settled(client, DatasetArn!);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(classificationLine('s3://bucket/x.jpg', 'x')) } }));
    await settled(client, DatasetArn!);
    server.trove.runner.pause();
    await client.send(new DeleteDatasetCommand({ DatasetArn }));
    const during = await client.send(new DescribeDatasetCommand({ DatasetArn }));
    expect(during.DatasetDescription?.Status).toBe('DELETE_IN_PROGRESS');
    // Deleting again while deleting is accepted (idempotent).
    await client.send(new DeleteDatasetCommand({ DatasetArn }));
    server.trove.runner.resume();
    const gone = await eventually(async () => client.send(new DescribeDatasetCommand({ DatasetArn })).then(() => undefined, (e: unknown) => e));
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DeleteDatasetCommand({ DatasetArn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    // The slot is free for a new TRAIN dataset.
    const { DatasetArn: again } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    expect(again).not.toBe(DatasetArn);
    expect((await settled(client, again!)).DatasetStats?.TotalEntries).toBe(0);
  });
});
