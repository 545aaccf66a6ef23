import {
  CreateDatasetCommand, CreateProjectCommand, DeleteDatasetCommand, DeleteProjectCommand, DescribeDatasetCommand, DescribeProjectsCommand,
  DistributeDatasetEntriesCommand, ListDatasetEntriesCommand, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { sdkFailure } from '../../harness/sdk-failure.js';

const A = '111111111111';
const B = '222222222222';


describe.each(BACKENDS)('tenancy: every resource is keyed by account and region (%s)', (backend) => {
  let server: TestServer;
  let a: RekognitionClient;
  let aWest: RekognitionClient;
  let b: RekognitionClient;
  let projectArn: string;
  let trainArn: string;
  let testArn: string;
  let bProjectArn: string;

  beforeAll(async () => {
    server = await startServer({ backend });
    const keyA = await server.createCredential({ account: A });
    const keyB = await server.createCredential({ account: B });
    // A's images live in its own bucket (not in this store, so they are not checked).
    await server.trove.buckets.create('bucket', A);
    a = server.rekognition({ credentials: keyA });
    aWest = server.rekognition({ credentials: keyA, region: 'us-west-2', maxAttempts: 1 });
    b = server.rekognition({ credentials: keyB, maxAttempts: 1 });
    ({ ProjectArn: projectArn } = await a.send(new CreateProjectCommand({ ProjectName: 'shared-name' })) as { ProjectArn: string });
    ({ DatasetArn: trainArn } = await a.send(new CreateDatasetCommand({ ProjectArn: projectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string });
    ({ DatasetArn: testArn } = await a.send(new CreateDatasetCommand({ ProjectArn: projectArn, DatasetType: 'TEST' })) as { DatasetArn: string });
    await settled(a, trainArn);
    await settled(a, testArn);
    await a.send(new UpdateDatasetEntriesCommand({
      DatasetArn: trainArn, Changes: { GroundTruth: lines(...Array.from({ length: 5 }, (_, i) => classificationLine(`s3://bucket/${i}.jpg`, i % 2 ? 'rose' : 'tulip'))) },
    }));
    await settled(a, trainArn);
    // B may use the same project name: names are unique per account and region only.
    ({ ProjectArn: bProjectArn } = await b.send(new CreateProjectCommand({ ProjectName: 'shared-name' })) as { ProjectArn: string });
  });
  afterAll(async () => server?.close());

  it('puts the account and region of the signing credential in every ARN', () => {
    expect(projectArn).toMatch(new RegExp(`^arn:aws:rekognition:us-east-1:${A}:project/shared-name/\\d+$`));
    expect(bProjectArn).toMatch(new RegExp(`^arn:aws:rekognition:us-east-1:${B}:project/shared-name/\\d+$`));
  });

  it('answers ResourceNotFoundException, never data, when account B names account A\'s ARNs on every operation', async () => {
    const attempts: Array<[string, Promise<unknown>]> = [
      ['DescribeDataset', b.send(new DescribeDatasetCommand({ DatasetArn: trainArn }))],
      ['ListDatasetEntries', b.send(new ListDatasetEntriesCommand({ DatasetArn: trainArn }))],
      ['ListDatasetLabels', b.send(new ListDatasetLabelsCommand({ DatasetArn: trainArn }))],
      ['UpdateDatasetEntries', b.send(new UpdateDatasetEntriesCommand({ DatasetArn: trainArn, Changes: { GroundTruth: lines(classificationLine('s3://bucket/x.jpg', 'weed')) } }))],
      ['DistributeDatasetEntries', b.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: trainArn }, { Arn: testArn }] }))],
      ['DeleteDataset', b.send(new DeleteDatasetCommand({ DatasetArn: testArn }))],
      ['CreateDataset in A\'s project', b.send(new CreateDatasetCommand({ ProjectArn: projectArn, DatasetType: 'TRAIN' }))],
      ['CreateDataset copying A\'s dataset', b.send(new CreateDatasetCommand({ ProjectArn: bProjectArn, DatasetType: 'TRAIN', DatasetSource: { DatasetArn: trainArn } }))],
      ['DeleteProject', b.send(new DeleteProjectCommand({ ProjectArn: projectArn }))],
    ];
    // Every call is in flight at once; each gets its handler now, so none rejects unobserved.
    const failures = attempts.map(([operation, attempt]) => [operation, sdkFailure(attempt)] as const);
    for (const [operation, pending] of failures) {
      const error = await pending;
      expect({ operation, name: error.name, status: error.status }).toEqual({ operation, name: 'ResourceNotFoundException', status: 400 });
      expect(error.message).not.toMatch(/rose|tulip/);
    }
    // B's listings show only B's project.
    const { ProjectDescriptions } = await b.send(new DescribeProjectsCommand({}));
    expect(ProjectDescriptions?.map((p) => p.ProjectArn)).toEqual([bProjectArn]);
  });

  it('keeps regions apart within one account', async () => {
    expect((await sdkFailure(aWest.send(new DescribeDatasetCommand({ DatasetArn: trainArn })))).name).toBe('ResourceNotFoundException');
    expect((await aWest.send(new DescribeProjectsCommand({}))).ProjectDescriptions).toEqual([]);
  });

  it('leaves account A\'s data exactly as it was', async () => {
    const d = await settled(a, trainArn);
    expect(d.Status).toBe('UPDATE_COMPLETE');
    expect(d.DatasetStats?.TotalEntries).toBe(5);
    expect((await allEntries(a, { DatasetArn: trainArn })).map((e) => e['source-ref'])).toEqual(['s3://bucket/0.jpg', 's3://bucket/1.jpg', 's3://bucket/2.jpg', 's3://bucket/3.jpg', 's3://bucket/4.jpg']);
    expect((await settled(a, testArn)).DatasetStats?.TotalEntries).toBe(0);
    const { ProjectDescriptions } = await a.send(new DescribeProjectsCommand({}));
    expect(ProjectDescriptions?.map((p) => p.ProjectArn)).toEqual([projectArn]);
  });
});

describe.each(BACKENDS)('allow-lists of actions and resources (%s)', (backend) => {
  let server: TestServer;
  let owner: RekognitionClient;
  let flowersArn: string;
  let flowersTrain: string;
  let weedsTrain: string;

  beforeAll(async () => {
    server = await startServer({ backend });
    owner = server.rekognition({ credentials: await server.createCredential({ account: A }) });
    ({ ProjectArn: flowersArn } = await owner.send(new CreateProjectCommand({ ProjectName: 'flowers' })) as { ProjectArn: string });
    const { ProjectArn: weedsArn } = await owner.send(new CreateProjectCommand({ ProjectName: 'weeds' }));
    ({ DatasetArn: flowersTrain } = await owner.send(new CreateDatasetCommand({ ProjectArn: flowersArn, DatasetType: 'TRAIN' })) as { DatasetArn: string });
    ({ DatasetArn: weedsTrain } = await owner.send(new CreateDatasetCommand({ ProjectArn: weedsArn, DatasetType: 'TRAIN' })) as { DatasetArn: string });
    await settled(owner, flowersTrain);
    await settled(owner, weedsTrain);
  });
  afterAll(async () => server?.close());

  it('denies actions outside the action list with Rekognition\'s AccessDeniedException', async () => {
    const reader = server.rekognition({
      credentials: await server.createCredential({ account: A, allowActions: ['rekognition:Describe*', 'rekognition:List*'] }), maxAttempts: 1,
    });
    expect((await reader.send(new DescribeDatasetCommand({ DatasetArn: flowersTrain }))).DatasetDescription?.Status).toBe('CREATE_COMPLETE');
    await reader.send(new ListDatasetEntriesCommand({ DatasetArn: flowersTrain }));
    for (const pending of [
      reader.send(new CreateProjectCommand({ ProjectName: 'more' })),
      reader.send(new UpdateDatasetEntriesCommand({ DatasetArn: flowersTrain, Changes: { GroundTruth: lines(classificationLine('s3://bucket/x.jpg', 'rose')) } })),
      reader.send(new DeleteDatasetCommand({ DatasetArn: flowersTrain })),
    ].map(sdkFailure)) {
      const error = await pending;
      expect(error).toMatchObject({ name: 'AccessDeniedException', status: 400 });
      expect(error.message).toMatch(/is not authorized to perform: rekognition:(CreateProject|UpdateDatasetEntries|DeleteDataset)/);
    }
    expect((await settled(owner, flowersTrain)).Status).toBe('CREATE_COMPLETE');
  });

  it('denies resources outside the resource list, for every ARN a request names', async () => {
    const gardener = server.rekognition({
      credentials: await server.createCredential({ account: A, allowResources: [`arn:aws:rekognition:*:${A}:project/flowers/*`] }), maxAttempts: 1,
    });
    await gardener.send(new DescribeDatasetCommand({ DatasetArn: flowersTrain }));
    await gardener.send(new UpdateDatasetEntriesCommand({ DatasetArn: flowersTrain, Changes: { GroundTruth: lines(classificationLine('s3://bucket/x.jpg', 'rose')) } }));
    // CreateProject's resource is the project-to-be.
    expect((await sdkFailure(gardener.send(new CreateProjectCommand({ ProjectName: 'cacti' })))).name).toBe('AccessDeniedException');
    for (const pending of [
      gardener.send(new DescribeDatasetCommand({ DatasetArn: weedsTrain })),
      gardener.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: flowersTrain }, { Arn: weedsTrain }] })),
      gardener.send(new CreateDatasetCommand({ ProjectArn: flowersArn, DatasetType: 'TEST', DatasetSource: { DatasetArn: weedsTrain } })),
    ].map(sdkFailure)) {
      const error = await pending;
      expect(error.name).toBe('AccessDeniedException');
      expect(error.message).toContain(weedsTrain);
    }
    // Listings name no resource; they still show only the account's projects.
    expect((await gardener.send(new DescribeProjectsCommand({}))).ProjectDescriptions).toHaveLength(2);
  });
});
