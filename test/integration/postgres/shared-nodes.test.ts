import {
  CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, ListDatasetEntriesCommand, ResourceInUseException, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { randomUUID } from 'node:crypto';
import { AddDatasetExamplesCommand, CreateDatasetCommand as CreateAcDatasetCommand, ListDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inline, predefined, predefinedBatch, settled as settledAc } from '../../harness/agentcore.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { eventually, TEST_CREDENTIALS } from '../../harness/server.js';
import { newDataset, putObject, startImport } from '../../harness/exchange.js';
import { picture } from '../../harness/pictures.js';
import { rawSql } from '../../harness/raw-sql.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import type { TestServer } from '../../harness/server.js';
import { startTwoNodes } from '../../harness/two-nodes.js';
import type { TwoNodes } from '../../harness/two-nodes.js';

/** Two Trove nodes on one PostgreSQL database answer every request as one service. */
describe.runIf(POSTGRES_SELECTED)('Trove nodes sharing one PostgreSQL database', () => {
  let nodes: TwoNodes | undefined;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    nodes = await startTwoNodes({ backend: 'postgres' });
    ({ first, second } = nodes);
  });
  afterAll(async () => {
    await nodes?.close();
  });

  it('accepts a request on one node and runs its job on another', async () => {
    first.trove.runner.pause();
    const a = first.rekognition();
    const b = second.rekognition();
    const { ProjectArn } = await a.send(new CreateProjectCommand({ ProjectName: 'shared' }));
    const { DatasetArn } = await a.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(b, DatasetArn!);
    await a.send(new UpdateDatasetEntriesCommand({
      DatasetArn, Changes: { GroundTruth: lines(...Array.from({ length: 30 }, (_, i) => classificationLine(`s3://bucket/${i}.jpg`, 'x'))) },
    }));
    expect((await settled(a, DatasetArn!)).DatasetStats?.TotalEntries).toBe(30);
    first.trove.runner.resume();
  });

  it('honours a pagination token issued by the other node (the signing key is in the database)', async () => {
    const a = first.rekognition();
    const b = second.rekognition();
    const { ProjectArn } = await a.send(new CreateProjectCommand({ ProjectName: 'tokens' }));
    const { DatasetArn } = await a.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(a, DatasetArn!);
    await a.send(new UpdateDatasetEntriesCommand({
      DatasetArn, Changes: { GroundTruth: lines(...Array.from({ length: 12 }, (_, i) => classificationLine(`s3://bucket/${String(i).padStart(2, '0')}.jpg`, 'x'))) },
    }));
    await settled(a, DatasetArn!);
    const page1 = await a.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5 }));
    const page2 = await b.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5, NextToken: page1.NextToken }));
    const page3 = await a.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5, NextToken: page2.NextToken }));
    const refs = [...page1.DatasetEntries!, ...page2.DatasetEntries!, ...page3.DatasetEntries!].map((line) => JSON.parse(line)['source-ref']);
    expect(refs).toEqual(Array.from({ length: 12 }, (_, i) => `s3://bucket/${String(i).padStart(2, '0')}.jpg`));
    expect(page3.NextToken).toBeUndefined();
  });

  it('lets exactly one of two racing updates of one dataset in, whichever node each reaches', async () => {
    const a = first.rekognition();
    const b = second.rekognition();
    const { ProjectArn } = await a.send(new CreateProjectCommand({ ProjectName: 'race' }));
    const { DatasetArn } = await a.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(a, DatasetArn!);
    for (let round = 0; round < 5; round++) {
      // No node runs jobs while the two race: the winner's change is certainly still in progress
      // when the loser arrives, however the machine's load spaces the two requests.
      first.trove.runner.pause();
      second.trove.runner.pause();
      const results = await Promise.allSettled([a, b].map((client, i) => client.send(new UpdateDatasetEntriesCommand({
        DatasetArn, Changes: { GroundTruth: lines(classificationLine(`s3://bucket/r${round}-n${i}.jpg`, `n${i}`)) },
      }))));
      first.trove.runner.resume();
      second.trove.runner.resume();
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(ResourceInUseException);
      await settled(a, DatasetArn!);
    }
    expect(await allEntries(b, { DatasetArn })).toHaveLength(5);
  });

  it('honours AgentCore client tokens, page tokens and download links issued by the other node', async () => {
    const a = first.agentcore();
    const b = second.agentcore();
    const create = { datasetName: 'shared_examples', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1' as const, clientToken: randomUUID(), source: inline(predefinedBatch(25)) };
    const created = await a.send(new CreateAcDatasetCommand(create));
    // The idempotency record is in the database: the retry on the other node gets the same answer.
    expect((await b.send(new CreateAcDatasetCommand(create))).datasetId).toBe(created.datasetId);
    const datasetId = created.datasetId!;
    await settledAc(b, datasetId);
    const add = { datasetId, clientToken: randomUUID(), source: inline([predefined('once')]) };
    const added = await b.send(new AddDatasetExamplesCommand(add));
    await settledAc(a, datasetId);
    expect((await a.send(new AddDatasetExamplesCommand(add))).exampleIds).toEqual(added.exampleIds);
    expect((await settledAc(b, datasetId)).exampleCount).toBe(26);

    const page1 = await a.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 10 }));
    const page2 = await b.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 10, nextToken: page1.nextToken }));
    const page3 = await a.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 10, nextToken: page2.nextToken }));
    const listed = [...page1.examples!, ...page2.examples!, ...page3.examples!] as { scenario_id: string }[];
    expect(listed.map((e) => e.scenario_id)).toEqual([...predefinedBatch(25).map((e) => e.scenario_id), 'once']);

    // A download link signed by one node, fetched from the other.
    const link = new URL((await settledAc(a, datasetId)).downloadUrl!);
    const response = await fetch(new URL(link.pathname + link.search, second.url));
    expect(response.status).toBe(200);
    expect((await response.text()).trim().split('\n')).toHaveLength(26);
  });

  it('applies a client token raced through two nodes at once exactly once', async () => {
    const a = first.agentcore();
    const b = second.agentcore();
    const { datasetId } = await a.send(new CreateAcDatasetCommand({
      datasetName: 'token_race', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(5)),
    }));
    await settledAc(a, datasetId!);
    for (let round = 0; round < 5; round++) {
      const add = { datasetId, clientToken: randomUUID(), source: inline(predefinedBatch(3, `r${round}-`)) };
      const results = await Promise.allSettled([a, b].map((client) => client.send(new AddDatasetExamplesCommand(add))));
      const answered = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ exampleIds?: string[] }>).value.exampleIds);
      expect(answered.length).toBeGreaterThan(0);
      // Whoever lost the race was told to retry (ConflictException) or got the winner's answer.
      for (const r of results) if (r.status === 'rejected') expect((r.reason as Error).name).toBe('ConflictException');
      expect(new Set(answered.map((ids) => JSON.stringify(ids))).size).toBe(1);
      await settledAc(b, datasetId!);
      expect((await b.send(new AddDatasetExamplesCommand(add))).exampleIds).toEqual(answered[0]);
    }
    expect((await settledAc(a, datasetId!)).exampleCount).toBe(5 + 5 * 3);
  });

  it('lets exactly one of two racing CreateProject calls of one name in', async () => {
    const results = await Promise.allSettled([first, second].map((node) => node.rekognition().send(new CreateProjectCommand({ ProjectName: 'same-name' }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ResourceInUseException);
  });

  it('stops an import running on one node when the other node takes the CancelJob: nothing published', async () => {
    second.trove.runner.pause();
    try {
      const a = first.rekognition();
      const { ProjectArn } = await a.send(new CreateProjectCommand({ ProjectName: 'cancelled-elsewhere' }));
      const { DatasetArn } = await a.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
      await settled(a, DatasetArn!);
      // The file is in the folder store of the node that runs the job (each node has its own here).
      const images = Array.from({ length: 30_000 }, (_, i) => ({ id: i + 1, file_name: `img-${i}.png`, width: 64, height: 64 }));
      putObject(first, 'photos', 'large/coco.json', JSON.stringify({
        images, annotations: images.map((image) => ({ id: image.id, image_id: image.id, category_id: 1, bbox: [4, 4, 20, 20] })), categories: [{ id: 1, name: 'cat' }],
      }));
      const api = (node: TestServer) => new TroveApiClient({ endpoint: node.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      await startImport(api(first), DatasetArn!, 'COCO', 's3://photos/large/coco.json', 's3://photos/large/');
      const jobs = new JobsClient(api(second));
      const running = await eventually(async () => (await jobs.all(['RUNNING'])).find((job) => job.resources[0] === DatasetArn), 20_000, 'the import running');
      expect(running.node).toBeUndefined();
      // Running on the first node: this one only asks (the first may have stopped already when it answers).
      expect(['CANCELLING', 'CANCELLED']).toContain((await jobs.cancel(running.jobId)).state);
      const done = await settled(second.rekognition(), DatasetArn!);
      expect(done).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR', DatasetStats: { TotalEntries: 0 } });
      expect(done.StatusMessage).toMatch(/^CANCELLED: The change was cancelled by access key test \(CancelJob\)/);
      expect(await allEntries(a, { DatasetArn })).toEqual([]);
      expect((await jobs.all(['FAILED'])).find((job) => job.jobId === running.jobId))
        .toMatchObject({ lastError: 'cancelled by access key test (CancelJob) while running', cancelledWhile: 'RUNNING' });
    } finally {
      second.trove.runner.resume();
    }
  }, 60_000);

  it('cancels on one node a queued import an earlier attempt left rows of; a runner on the other deletes only those rows, then fails it', async () => {
    const a = first.rekognition();
    // Images that exist, in the folder store of each node (image checks read them).
    for (const node of [first, second]) for (const name of ['kept', 'other', 'other-2']) putObject(node, 'photos', `${name}.png`, picture(64, 64, []));
    const arn = await newDataset(a, [classificationLine('s3://photos/kept.png', 'cat')]);
    // Another dataset, one change ahead: rows created and superseded at the revision the import
    // left rows at (published there), never touched.
    const other = await newDataset(a, [classificationLine('s3://photos/other.png', 'dog')]);
    await a.send(new UpdateDatasetEntriesCommand({ DatasetArn: other, Changes: { GroundTruth: lines(classificationLine('s3://photos/other.png', 'cat'), classificationLine('s3://photos/other-2.png', 'cat')) } }));
    await settled(a, other);
    first.trove.runner.pause();
    second.trove.runner.pause();
    try {
      for (const node of [first, second]) putObject(node, 'photos', 'left/coco.json', JSON.stringify({ images: [], annotations: [], categories: [] }));
      const api = (node: TestServer) => new TroveApiClient({ endpoint: node.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      await startImport(api(first), arn, 'COCO', 's3://photos/left/coco.json', 's3://photos/left/');
      const jobs = new JobsClient(api(second));
      const queued = (await jobs.all()).find((job) => job.resources[0] === arn)!;
      const store = first.trove.store;
      const [dataset, otherDataset] = await Promise.all([arn, other].map(async (x) => (await store.rkDatasets.findByArn(x))!));
      const next = dataset.revision + 1;
      expect(otherDataset.revision).toBe(next);
      const row = (ref: string) => ({ sourceRef: ref, line: classificationLine(ref, 'cat'), labels: [['cat', 0] as const], isLabeled: true, hasErrors: false });
      await store.transaction(async (tx) => {
        const [kept] = await tx.rkEntries.findLive(dataset.id, ['s3://photos/kept.png']);
        await tx.rkEntries.supersede([kept.id], next);
        await tx.rkEntries.insert(dataset.id, next, Array.from({ length: 2500 }, (_, i) => row(`s3://photos/left/img-${i}.png`)));
      });
      const count = async (id: number) => Number((await rawSql<{ n: number }>(first, 'SELECT COUNT(*) AS n FROM rk_entries WHERE dataset_id = ?', [id])).rows[0].n);
      const otherRows = await count(otherDataset.id);

      // The second node only marks it, and says it is queued (a runner deletes its rows); the job is not held by anyone meanwhile.
      expect(await jobs.cancel(queued.jobId)).toEqual({ jobId: queued.jobId, state: 'CANCELLING', resources: [arn], jobState: 'QUEUED' });
      expect((await jobs.all()).find((job) => job.jobId === queued.jobId)).toMatchObject({ state: 'QUEUED', cancelRequestedBy: TEST_CREDENTIALS.accessKeyId });
      expect(await count(dataset.id)).toBe(2501);
      expect((await second.rekognition().send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toBe('UPDATE_IN_PROGRESS');

      first.trove.runner.resume();
      const done = await settled(second.rekognition(), arn);
      expect(done).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR', DatasetStats: { TotalEntries: 1 } });
      expect(done.StatusMessage).toMatch(/^CANCELLED: The change was cancelled by access key test \(CancelJob\)/);
      expect(await count(dataset.id)).toBe(1);
      expect((await allEntries(a, { DatasetArn: arn })).map((entry) => entry['source-ref'])).toEqual(['s3://photos/kept.png']);
      expect(await count(otherDataset.id)).toBe(otherRows);
      expect((await allEntries(a, { DatasetArn: other })).map((entry) => entry['source-ref']).sort()).toEqual(['s3://photos/other-2.png', 's3://photos/other.png']);
      expect((await allEntries(a, { DatasetArn: other, ContainsLabels: ['dog'] }))).toEqual([]);
      expect((await jobs.all(['FAILED'])).find((job) => job.jobId === queued.jobId)).toMatchObject({ attempts: 0, retryable: true });
    } finally {
      first.trove.runner.resume();
      second.trove.runner.resume();
    }
  }, 60_000);
});
