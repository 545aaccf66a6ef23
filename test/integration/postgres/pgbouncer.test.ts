import {
  CreateDatasetCommand, CreateProjectCommand, DescribeProjectsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { readdirSync } from 'node:fs';
import {
  CreateDatasetCommand as CreateAcDatasetCommand, CreateDatasetVersionCommand, GetDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allExamples, contentOf, inline, predefined, predefinedBatch, settled as settledAc } from '../../harness/agentcore.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { pgbouncerMissing, startPgBouncer } from '../../harness/pgbouncer.js';
import type { RunningPgBouncer } from '../../harness/pgbouncer.js';
import { createTestDatabase, postgresServerUrl } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { raceCreateProjects } from '../../harness/quota-race.js';
import { rawSql } from '../../harness/raw-sql.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import type { TestServer } from '../../harness/server.js';
import { startTwoNodes } from '../../harness/two-nodes.js';
import type { TwoNodes } from '../../harness/two-nodes.js';

const PGBOUNCER_MISSING = POSTGRES_SELECTED ? pgbouncerMissing() : undefined;
if (PGBOUNCER_MISSING) console.log(`test/integration/postgres/pgbouncer.test.ts skipped: ${PGBOUNCER_MISSING}`);

/** The versions of every numbered migration. */
const MIGRATIONS = readdirSync(new URL('../../../src/store/postgres/migrations/', import.meta.url))
  .filter((name) => name.endsWith('.sql')).map((name) => Number.parseInt(name, 10)).sort((a, b) => a - b);

/** The projects quota the racers meet, and how many race for it (half through each node). */
const LIMIT = 3;
const RACERS = 12;

/**
 * Two Trove nodes whose only way to the database is a real PgBouncer: each node's pool (5) is
 * larger than the bouncer's pool of server connections in transaction mode (3 for both nodes), so
 * consecutive statements of a node land on different server sessions and transactions queue in
 * the bouncer. Session mode gets server sessions enough for both nodes' pools (a client holds
 * its server session until it disconnects). Migrations run through the bouncer too, on a fresh
 * database, from both nodes at once.
 */
describe.runIf(POSTGRES_SELECTED && !PGBOUNCER_MISSING).each([
  { poolMode: 'transaction' as const, poolSize: 3 },
  { poolMode: 'session' as const, poolSize: 12 },
])('Trove behind PgBouncer ($poolMode pooling)', ({ poolMode, poolSize }) => {
  let bouncer: RunningPgBouncer;
  let database: TestDatabase;
  let nodes: TwoNodes | undefined;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    bouncer = await startPgBouncer({ serverUrl: postgresServerUrl(), poolMode, poolSize });
    database = await createTestDatabase('trove_pgb');
    const options = {
      backend: 'postgres' as const, databaseUrl: bouncer.url(database.name), databasePoolSize: 5,
      rekognition: { maxProjectsPerAccount: LIMIT },
    };
    // Both start (and migrate the empty database) at once.
    nodes = await startTwoNodes(options);
    ({ first, second } = nodes);
  });
  afterAll(async () => {
    await nodes?.close();
    await bouncer?.stop();
    await database?.drop();
  });

  it('migrated the fresh database through the bouncer, both nodes starting at once', async () => {
    const { rows } = await rawSql<{ version: number }>({ dataDir: first.dataDir, databaseUrl: database.url }, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS);
  });

  // A node's SET on connecting reaches only the server session its connection had then; in
  // transaction pooling its later statements run on any server session of the bouncer's pool,
  // which the bouncer opens and replaces itself (server_lifetime; RECONNECT here). Every one of
  // them must plan serially, or listing pages may come out of order (postgres-driver.ts).
  // (Session pooling keeps a connection on its server session: the SET on connecting stays with it.)
  if (poolMode === 'transaction') it('plans serially on every server session the bouncer opens later', async () => {
    await bouncer.admin('RECONNECT');
    const clients = Array.from({ length: poolSize }, () => new pg.Client({ connectionString: bouncer.url(database.name) }));
    try {
      await Promise.all(clients.map((client) => client.connect()));
      // Each client holds a transaction, so each has a server session of its own: the whole pool.
      await Promise.all(clients.map((client) => client.query('BEGIN')));
      const settings = await Promise.all(clients.map(async (client) => (await client.query('SHOW max_parallel_workers_per_gather')).rows[0].max_parallel_workers_per_gather));
      const sessions = await Promise.all(clients.map(async (client) => (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
      expect(new Set(sessions).size).toBe(poolSize);
      expect(settings).toEqual(Array(poolSize).fill('0'));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    // Trove's own statements still run on those fresh sessions.
    const listed = await first.rekognition().send(new DescribeProjectsCommand({}));
    expect(listed.$metadata.httpStatusCode).toBe(200);
  });

  it('runs Rekognition datasets across both nodes: create, update to UPDATE_COMPLETE, list', async () => {
    const a = first.rekognition();
    const b = second.rekognition();
    const { ProjectArn } = await a.send(new CreateProjectCommand({ ProjectName: 'bounced' }));
    const { DatasetArn } = await b.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    expect((await settled(a, DatasetArn!)).Status).toBe('CREATE_COMPLETE');
    const refs = Array.from({ length: 40 }, (_, i) => `s3://bucket/${String(i).padStart(2, '0')}.jpg`);
    await a.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...refs.map((ref) => classificationLine(ref, 'rose'))) } }));
    const updated = await settled(b, DatasetArn!);
    expect(updated).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 40, TotalLabels: 1 } });
    // Pages of 7 alternate between the nodes' connections: the token of one is honoured by the other.
    const listed = await allEntries(b, { DatasetArn, MaxResults: 7 });
    expect(listed.map((entry) => entry['source-ref'])).toEqual(refs);
  });

  it('runs AgentCore datasets: create, UpdateDatasetExamples, CreateDatasetVersion', async () => {
    const a = first.agentcore();
    const b = second.agentcore();
    const { datasetId } = await a.send(new CreateAcDatasetCommand({
      datasetName: 'bounced', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(20)),
    }));
    expect(await settledAc(b, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 20 });
    const examples = await allExamples(b, datasetId!);
    await b.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: examples[3].exampleId, ...predefined('s3', 'changed') }] }));
    await settledAc(a, datasetId!);
    const version = await a.send(new CreateDatasetVersionCommand({ datasetId }));
    expect(version.datasetVersion).toBe('1');
    expect(await settledAc(b, datasetId!)).toMatchObject({ status: 'ACTIVE', draftStatus: 'UNMODIFIED', exampleCount: 20 });
    expect(await b.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }))).toMatchObject({ datasetVersion: '1', exampleCount: 20 });
    const published = await allExamples(a, datasetId!, '1', 6);
    expect(published.map(contentOf)).toEqual(predefinedBatch(20).map((example, i) => (i === 3 ? predefined('s3', 'changed') : example)));
  });

  it('lets exactly the projects quota of CreateProject calls racing through both nodes in', async () => {
    for (const region of ['eu-west-1', 'eu-west-2']) {
      expect(await raceCreateProjects([first, second], region, RACERS), region)
        .toEqual({ succeeded: LIMIT, errors: Array(RACERS - LIMIT).fill('LimitExceededException'), described: LIMIT });
    }
  });
});

if (PGBOUNCER_MISSING) {
  describe('Trove behind PgBouncer', () => {
    it.skip(`is not tested here: ${PGBOUNCER_MISSING}`, () => undefined);
  });
}
