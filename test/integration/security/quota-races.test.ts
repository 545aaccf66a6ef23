import { CreateProjectCommand } from '@aws-sdk/client-rekognition';
import { CreateDatasetCommand, ListDatasetsCommand, ListTagsForResourceCommand, TagResourceCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inline, predefined, settled } from '../../harness/agentcore.js';
import { BACKENDS, POSTGRES_SELECTED } from '../../harness/backends.js';
import { emptyDataset, historyClient, update } from '../../harness/history.js';
import { rawSql } from '../../harness/raw-sql.js';
import { outcomes, raceCreateProjects } from '../../harness/quota-race.js';
import { classificationLine } from '../../harness/rekognition.js';
import { eventually } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { startTwoNodes } from '../../harness/two-nodes.js';
import type { TwoNodes } from '../../harness/two-nodes.js';
import { DEFAULT_MAX_SNAPSHOTS_PER_DATASET } from '../../../src/domain/rekognition/history/history-deps.js';
import { MAX_TAGS } from '../../../src/domain/agentcore/tag-service.js';

/** The quota the racers meet, and how many race for it at once (half of them through each node). */
const LIMIT = 3;
const RACERS = 16;
/** Each round is a fresh region: the quotas are per account and region. */
const REGIONS = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1'];

/** `call`, or a failure once 10 s have passed without its answer (a creator held back by another scope's lock). */
async function unheld<T>(call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('held back by the lock of another scope')), 10_000);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creators racing past a small quota get exactly the quota, whatever node each reaches: on
 * PostgreSQL two nodes on one database, each with its own pool, so the counting transactions
 * really run at once (READ COMMITTED); on SQLite one node, whose writer is serial anyway.
 */
describe.each(BACKENDS)('quotas under concurrent creators (%s)', (backend) => {
  let nodes: TwoNodes | undefined;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    nodes = await startTwoNodes({
      backend, rekognition: { maxProjectsPerAccount: LIMIT }, agentcore: { maxDatasetsPerAccount: LIMIT }, databasePoolSize: 8,
    });
    ({ first, second } = nodes);
  });
  afterAll(async () => {
    await nodes?.close();
  });

  it('lets exactly the projects-per-account quota of racing CreateProject calls in', async () => {
    for (const region of REGIONS) {
      expect(await raceCreateProjects([first, second], region, RACERS), region)
        .toEqual({ succeeded: LIMIT, errors: Array(RACERS - LIMIT).fill('LimitExceededException'), described: LIMIT });
    }
  });

  it('lets exactly the datasets-per-account quota of racing AgentCore CreateDataset calls in', async () => {
    for (const region of REGIONS) {
      const clients = [first, second].map((server) => server.agentcore({ region, maxAttempts: 1 }));
      const results = await Promise.allSettled(Array.from({ length: RACERS }, (_, i) => clients[i % 2].send(new CreateDatasetCommand({
        datasetName: `race_${i}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline([predefined(`s${i}`)]),
      }))));
      expect(outcomes(results), region).toEqual({ succeeded: LIMIT, errors: Array(RACERS - LIMIT).fill('ServiceQuotaExceededException') });
      expect((await clients[1].send(new ListDatasetsCommand({}))).datasets, region).toHaveLength(LIMIT);
    }
  });

  it('lets exactly the snapshots-per-dataset quota of racing snapshots of different revisions in', async () => {
    const client = first.rekognition();
    const arn = await emptyDataset(client, 'snapshot-race');
    // Revisions 2 .. RACERS + 1: each racer names another one, so no row lock of its revision orders them.
    for (let i = 0; i < RACERS; i++) await update(client, arn, classificationLine(`s3://bucket/${i}.jpg`, 'rose'));
    const histories = [first, second].map((server) => historyClient(server.url));
    for (let i = 0; i < DEFAULT_MAX_SNAPSHOTS_PER_DATASET - LIMIT; i++) await histories[0].createSnapshot(arn, `kept-${i}`);
    const results = await Promise.allSettled(Array.from({ length: RACERS }, (_, i) => histories[i % 2].createSnapshot(arn, `race-${i}`, i + 2)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect({ succeeded: RACERS - errors.length, errors }).toEqual({ succeeded: LIMIT, errors: Array(RACERS - LIMIT).fill('ServiceQuotaExceededException') });
    const listed = await histories[1].all((nextToken) => histories[1].listSnapshots(arn, { nextToken }), (page) => page.snapshots);
    expect(listed).toHaveLength(DEFAULT_MAX_SNAPSHOTS_PER_DATASET);
  });

  it('keeps every tag of racing TagResource calls and stops them at the tags-per-resource quota', async () => {
    const clients = [first, second].map((server) => server.agentcore({ maxAttempts: 1 }));
    const { datasetArn, datasetId } = await clients[0].send(new CreateDatasetCommand({
      datasetName: 'tag_race', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline([predefined('s')]),
      tags: Object.fromEntries(Array.from({ length: MAX_TAGS - LIMIT }, (_, i) => [`kept-${i}`, 'v'])),
    }));
    await settled(clients[0], datasetId!);
    const results = await Promise.allSettled(Array.from({ length: RACERS }, (_, i) => clients[i % 2].send(new TagResourceCommand({
      resourceArn: datasetArn, tags: { [`race-${i}`]: 'v' },
    }))));
    expect(outcomes(results)).toEqual({ succeeded: LIMIT, errors: Array(RACERS - LIMIT).fill('ServiceQuotaExceededException') });
    const { tags } = await clients[1].send(new ListTagsForResourceCommand({ resourceArn: datasetArn }));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [`race-${i}`] : []));
    expect(Object.keys(tags!).filter((key) => key.startsWith('race-')).sort()).toEqual(won.sort());
    expect(Object.keys(tags!)).toHaveLength(MAX_TAGS);
  });
});

/**
 * The lock a quota is counted under holds back only creators counting in the same scope: while a
 * transaction of one node holds the projects lock of an account in a region, the other node
 * creates another account's project, a project of the same account in another region and an
 * AgentCore dataset of that account at once; the project in the held scope waits in PostgreSQL.
 */
describe.runIf(POSTGRES_SELECTED)('quota locks on PostgreSQL hold back one scope only', () => {
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

  it('lets creators of other accounts, regions and quotas through while one scope is held', async () => {
    const alice = await first.createCredential({ account: '111111111111' });
    const bob = await first.createCredential({ account: '222222222222' });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let taken!: () => void;
    const held = new Promise<void>((resolve) => { taken = resolve; });
    const holder = first.trove.store.transaction(async (tx) => {
      await tx.quotaLocks.take('rk-projects', '111111111111', 'us-east-1');
      taken();
      await released;
    });
    await Promise.race([held, holder.then(() => { throw new Error('the holder ended before it took the lock'); })]);
    try {
      let waited = true;
      const waiting = second.rekognition({ credentials: alice, maxAttempts: 1 }).send(new CreateProjectCommand({ ProjectName: 'held' }))
        .finally(() => { waited = false; });
      // A creator in another scope that waited for the held lock would never finish: it fails the test instead.
      await unheld(second.rekognition({ credentials: bob, maxAttempts: 1 }).send(new CreateProjectCommand({ ProjectName: 'other-account' })));
      await unheld(second.rekognition({ credentials: alice, region: 'eu-west-1', maxAttempts: 1 }).send(new CreateProjectCommand({ ProjectName: 'other-region' })));
      await unheld(second.agentcore({ credentials: alice, maxAttempts: 1 }).send(new CreateDatasetCommand({
        datasetName: 'other_quota', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline([predefined('s')]),
      })));
      // The held scope's creator is waiting for the lock, in PostgreSQL.
      await eventually(async () => ((await rawSql<{ n: number }>(first,
        "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      )).rows[0].n === 1 ? true : undefined), 20_000, 'the held scope\'s creator to wait for its lock');
      expect(waited).toBe(true);
      release();
      await holder;
      expect((await waiting).ProjectArn).toMatch(/:111111111111:project\/held\//);
    } finally {
      release();
    }
  });
});
