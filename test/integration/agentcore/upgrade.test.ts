import { CreateDatasetCommand, CreateDatasetVersionCommand, UpdateDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../src/domain/agentcore/batch-codec.js';
import type { BatchBody } from '../../../src/domain/agentcore/batch-codec.js';
import { AgentCoreJobs } from '../../../src/domain/agentcore/job-kinds.js';
import type { ExampleWriteKind, WriteExamplesPayload } from '../../../src/domain/agentcore/job-kinds.js';
import { allExamples, contentOf, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startServer } from '../../harness/server.js';
import type { ServerOptions, TestServer } from '../../harness/server.js';

/**
 * Inline example batches used to travel in the write-examples job's body, written by the job;
 * now the accepting transaction writes them and the job publishes. Jobs of the earlier kind may
 * still be queued when Trove is upgraded: they are applied as before.
 */
describe.each(BACKENDS)('agentcore: write-examples jobs queued by an earlier Trove (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  /** Accepts a change as an earlier Trove did: UPDATING and a job whose body is the batch. */
  const enqueueAsBefore = async (datasetArn: string, kind: ExampleWriteKind, batch: (live: Map<string, { id: number; seq: number }>) => BatchBody) => {
    const { store } = server.trove;
    const now = Date.now();
    const [, , , region, account, resource] = datasetArn.split(':');
    const datasetId = resource.slice('dataset/'.length);
    const exampleIds = (await allExamples(server.agentcore(), datasetId)).map((e) => e.exampleId as string);
    await store.transaction(async (tx) => {
      const dataset = (await tx.acDatasets.find(account, region, datasetId))!;
      const live = new Map((await tx.acExamples.findLive(dataset.id, exampleIds))
        .map((row) => [row.exampleId, { id: row.id, seq: row.seq }]));
      expect(await tx.acDatasets.transition(dataset.id, ['ACTIVE'], { status: 'UPDATING', failureReason: null, updatedAt: now })).toBe(true);
      const payload: WriteExamplesPayload = { dataset: dataset.id, kind };
      await tx.jobs.enqueue({ kind: AgentCoreJobs.writeExamples, payloadVersion: 1, resource: dataset.arn, payload, body: encodeBatch(batch(live)), runAfter: now, createdAt: now });
    });
    server.trove.runner.wake();
  };

  it('applies an add, an update and a delete whose batches are in the job body', async () => {
    const client = server.agentcore();
    const { datasetId, datasetArn } = await client.send(new CreateDatasetCommand({
      datasetName: 'queued_before', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(3)),
    }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
    const [first, second, third] = await allExamples(client, datasetId!);

    await enqueueAsBefore(datasetArn!, 'add', () => ({ exampleIds: ['added'], contents: [JSON.stringify(predefined('added'))] }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 4 });

    await enqueueAsBefore(datasetArn!, 'update', (live) => ({
      exampleIds: [second.exampleId], contents: [JSON.stringify(predefined('replaced'))], supersedes: [live.get(second.exampleId)!],
    }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 4 });

    await enqueueAsBefore(datasetArn!, 'delete', (live) => ({ exampleIds: [first.exampleId], supersedes: [live.get(first.exampleId)!] }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });

    const examples = await allExamples(client, datasetId!);
    expect(examples.map((e) => e.exampleId)).toEqual([second.exampleId, third.exampleId, 'added']);
    expect(examples.map(contentOf)).toEqual([predefined('replaced'), contentOf(third), predefined('added')]);
  });
});

describe.each(BACKENDS)('agentcore: a store from before example contents had their own table (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-ac-upgrade-'));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const withServer = async <T>(options: ServerOptions, use: (server: TestServer) => Promise<T>): Promise<T> => {
    const server = await startServer(options);
    try {
      return await use(server);
    } finally {
      await server.close();
    }
  };

  it('keeps every version of every example through migration 0015', async () => {
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    const options: ServerOptions = { backend, dataDir, ...(database ? { databaseUrl: database.url } : {}) };
    const store = { dataDir, databaseUrl: database?.url };
    const before = await withServer(options, async (server) => {
      const client = server.agentcore();
      const { datasetId } = await client.send(new CreateDatasetCommand({
        datasetName: 'upgraded', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(4)),
      }));
      await settled(client, datasetId!);
      await client.send(new CreateDatasetVersionCommand({ datasetId }));
      await settled(client, datasetId!);
      const published = await allExamples(client, datasetId!);
      await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: published[1].exampleId, ...predefined('new') }] }));
      await settled(client, datasetId!);
      return { datasetId: datasetId!, published, draft: await allExamples(client, datasetId!) };
    });
    // The store as the release before 0015 left it: content in the example rows.
    for (const statement of [
      "ALTER TABLE ac_examples ADD COLUMN content TEXT NOT NULL DEFAULT ''",
      'UPDATE ac_examples SET content = (SELECT c.content FROM ac_example_contents c WHERE c.id = ac_examples.id)',
      'DROP TABLE ac_example_contents',
      'DELETE FROM schema_migrations WHERE version = 15',
    ]) await rawSql(store, statement);
    expect((await rawSql<{ n: number }>(store, "SELECT COUNT(*) AS n FROM ac_examples WHERE content = ''")).rows[0].n).toBe(0);

    await withServer(options, async (server) => {
      const client = server.agentcore();
      expect(await allExamples(client, before.datasetId)).toEqual(before.draft);
      expect(await allExamples(client, before.datasetId, '1')).toEqual(before.published);
      await client.send(new UpdateDatasetExamplesCommand({ datasetId: before.datasetId, examples: [{ exampleId: before.published[0].exampleId, ...predefined('newer') }] }));
      expect(await settled(client, before.datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: 4 });
      expect((await allExamples(client, before.datasetId)).map((e) => e.scenario_id)).toEqual(['newer', 'new', 's2', 's3']);
    });
  });
});

describe.each(BACKENDS)('agentcore: a store from before DRAFT download links checked collection (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-ac-collected-'));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('marks, through migration 0040, how far each dataset may have been collected: its last horizon, else its first commit', async () => {
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    // The collection horizon: page token + link lifetimes, 600 ms.
    const options: ServerOptions = {
      backend, dataDir, ...(database ? { databaseUrl: database.url } : {}), pageTokenTtlMs: 500, agentcore: { downloadUrlTtlMs: 100, garbageAfterMs: 0 },
    };
    const store = { dataDir, databaseUrl: database?.url };
    const marks = async () => (await rawSql<{ name: string; collected_rev: number }>(store, 'SELECT name, collected_rev FROM ac_datasets ORDER BY name')).rows
      .map((row) => [row.name, Number(row.collected_rev)]);
    const server = await startServer(options);
    try {
      const client = server.agentcore();
      for (const datasetName of ['collected', 'kept']) {
        const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(3)) }));
        await settled(client, datasetId!);
        if (datasetName === 'kept') continue;
        // Revision 2 supersedes a row; past the horizon, revision 3's job collects it.
        const [first] = await allExamples(client, datasetId!);
        await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: first.exampleId, ...predefined('replaced') }] }));
        await settled(client, datasetId!);
        await new Promise((resolve) => setTimeout(resolve, 800));
        await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: first.exampleId, ...predefined('again') }] }));
        await settled(client, datasetId!);
      }
    } finally {
      await server.close();
    }
    // Collected at revision 2 (the row superseded there went), nothing collected from the other.
    expect(await marks()).toEqual([['collected', 2], ['kept', 0]]);

    // The store as the release before 0040 left it: no mark.
    for (const statement of ['ALTER TABLE ac_datasets DROP COLUMN collected_rev', 'DELETE FROM schema_migrations WHERE version = 40']) await rawSql(store, statement);
    await startServer(options).then((upgraded) => upgraded.close());
    // Which rows went is not known then: every one was superseded at or before the last horizon
    // (revision 2, the oldest commit time kept); the never collected dataset's first commit is no
    // higher than any revision a link pins.
    expect(await marks()).toEqual([['collected', 2], ['kept', 1]]);
  });
});
