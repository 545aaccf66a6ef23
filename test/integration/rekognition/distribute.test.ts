import {
  CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, DistributeDatasetEntriesCommand,
  InvalidParameterException, ResourceNotFoundException, ResourceNotReadyException, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('Rekognition DistributeDatasetEntries (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let n = 0;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
  });
  afterAll(async () => server?.close());

  async function pair(entries: number): Promise<{ train: string; test: string; project: string }> {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `dist-${++n}` }));
    const train = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    const test = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }))).DatasetArn!;
    await settled(client, train);
    await settled(client, test);
    if (entries > 0) {
      await client.send(new UpdateDatasetEntriesCommand({
        DatasetArn: train,
        Changes: { GroundTruth: lines(...Array.from({ length: entries }, (_, i) => classificationLine(`s3://bucket/d/${i}.jpg`, i % 2 ? 'odd' : 'even'))) },
      }));
      await settled(client, train);
    }
    return { train, test, project: ProjectArn! };
  }

  it('moves 20% of TRAIN into the empty TEST dataset; both go through UPDATE_IN_PROGRESS', async () => {
    const { train, test } = await pair(100);
    const before = await allEntries(client, { DatasetArn: train });
    server.trove.runner.pause();
    // The order of the two ARNs does not matter: their paths say which is which.
    await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: test }, { Arn: train }] }));
    for (const arn of [train, test]) {
      expect((await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toBe('UPDATE_IN_PROGRESS');
    }
    server.trove.runner.resume();
    const [t, s] = [await settled(client, train), await settled(client, test)];
    expect([t.Status, s.Status]).toEqual(['UPDATE_COMPLETE', 'UPDATE_COMPLETE']);
    expect(t.DatasetStats?.TotalEntries).toBe(80);
    expect(s.DatasetStats?.TotalEntries).toBe(20);
    const moved = await allEntries(client, { DatasetArn: test });
    const kept = await allEntries(client, { DatasetArn: train });
    const key = (e: Record<string, unknown>) => String(e['source-ref']);
    expect(new Set([...moved, ...kept].map(key))).toEqual(new Set(before.map(key)));
    expect(moved.map(key).filter((ref) => kept.some((e) => key(e) === ref))).toEqual([]);
    expect(s.DatasetStats?.LabeledEntries).toBe(20);
  });

  it('needs one TRAIN and one TEST dataset of the same project, an empty TEST and settled datasets', async () => {
    const a = await pair(10);
    const b = await pair(10);
    await expect(client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: a.train }, { Arn: b.train }] }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: a.train }, { Arn: b.test }] }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: a.train }] }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: a.train }, { Arn: a.test.replace(/\d+$/, '5') }] })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: a.test, Changes: { GroundTruth: lines(classificationLine('s3://bucket/t.jpg', 'even')) } }));
    await settled(client, a.test);
    const notEmpty = await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: a.train }, { Arn: a.test }] })).catch((e: unknown) => e);
    expect(notEmpty).toBeInstanceOf(InvalidParameterException);
    expect((notEmpty as Error).message).toMatch(/empty/);
    server.trove.runner.pause();
    try {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: b.train, Changes: { GroundTruth: lines(classificationLine('s3://bucket/u.jpg', 'odd')) } }));
      await expect(client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: b.train }, { Arn: b.test }] }))).rejects.toBeInstanceOf(ResourceNotReadyException);
      // The refused call changed nothing: TEST is still settled.
      expect((await client.send(new DescribeDatasetCommand({ DatasetArn: b.test }))).DatasetDescription?.Status).toBe('CREATE_COMPLETE');
    } finally {
      server.trove.runner.resume();
    }
  });

  it('fails both datasets with a client error when TRAIN has too few labeled images', async () => {
    const { train, test } = await pair(3);
    await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: train }, { Arn: test }] }));
    const [t, s] = [await settled(client, train), await settled(client, test)];
    for (const d of [t, s]) {
      expect(d).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR' });
      expect(d.StatusMessage).toMatch(/^ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_DISTRIBUTE: /);
    }
    expect(t.DatasetStats?.TotalEntries).toBe(3);
    expect(s.DatasetStats?.TotalEntries).toBe(0);
  });
});
