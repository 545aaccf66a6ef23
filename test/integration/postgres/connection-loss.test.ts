import {
  CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, InternalServerError, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { startTcpProxy } from '../../harness/tcp-proxy.js';
import type { TcpProxy } from '../../harness/tcp-proxy.js';

function batch(label: string, count: number): Uint8Array {
  return lines(...Array.from({ length: count }, (_, i) => classificationLine(`s3://bucket/img-${String(i).padStart(6, '0')}.jpg`, label)));
}

/**
 * Losing PostgreSQL while serving: requests answer the modelled 500 (InternalServerError),
 * health answers 503, and once the database is back the same node serves again and finishes
 * every accepted job — including one cut off in the middle — exactly once.
 */
describe.runIf(POSTGRES_SELECTED)('PostgreSQL connection loss', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: TestServer;
  let client: RekognitionClient;
  let direct: pg.Client;
  let DatasetArn: string;
  const describeDataset = async () => (await client.send(new DescribeDatasetCommand({ DatasetArn }))).DatasetDescription!;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    server = await startServer({ backend: 'postgres', databaseUrl: proxy.via(database.url), jobs: { pollMs: 50, leaseMs: 5_000 } });
    // One retry-free client, so each 500 reaches the test instead of being retried by the SDK.
    client = server.rekognition({ maxAttempts: 1 });
    direct = new pg.Client({ connectionString: database.url });
    await direct.connect();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'outage' }));
    DatasetArn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    await settled(client, DatasetArn);
  });
  afterAll(async () => {
    await direct?.end();
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers InternalServerError and health 503 while the database is gone, and recovers by itself', async () => {
    server.trove.runner.pause();
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: batch('before', 50) } }));
    await proxy.cut();

    const error = await client.send(new DescribeDatasetCommand({ DatasetArn })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).$metadata.httpStatusCode).toBe(500);
    expect((error as InternalServerError).$fault).toBe('server');
    const health = await fetch(`${server.url}/_trove/health`);
    expect(health.status).toBe(503);
    // The runner keeps polling through the outage instead of stopping.
    server.trove.runner.resume();
    await new Promise((resolve) => setTimeout(resolve, 300));

    await proxy.restore();
    expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
    const d = await settled(client, DatasetArn);
    expect(d.Status).toBe('UPDATE_COMPLETE');
    expect(d.DatasetStats?.TotalEntries).toBe(50);
  });

  it('finishes a job cut off in the middle exactly once, without counting the outage as a failed attempt', async () => {
    const COUNT = 10_000;
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: batch('during', COUNT) } }));
    // Wait until the job is running and a Trove transaction has been open for a while (the job
    // writing its rows), then cut.
    await eventually(async () => {
      const { rows } = await direct.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM pg_stat_activity a, jobs j
         WHERE j.state = 'running' AND a.datname = current_database() AND a.application_name = 'trove'
           AND a.xact_start < now() - interval '150 milliseconds'`,
      );
      return Number(rows[0].n) > 0 ? true : undefined;
    }, 20_000, 'the job to be half-way');
    await proxy.cut();
    expect((await direct.query<{ attempts: number }>('SELECT attempts FROM jobs')).rows).toEqual([{ attempts: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await proxy.restore();
    // The interrupted attempt is handed back uncounted: the rerun is attempt 1 again, not 2.
    const attemptsSeen = new Set<number>();
    await eventually(async () => {
      const { rows } = await direct.query<{ attempts: number }>('SELECT attempts FROM jobs');
      for (const row of rows) attemptsSeen.add(row.attempts);
      return rows.length === 0 ? true : undefined;
    }, 30_000, 'the job to finish');
    expect([...attemptsSeen].every((attempts) => attempts <= 1)).toBe(true);

    const d = await settled(client, DatasetArn);
    expect(d.Status).toBe('UPDATE_COMPLETE');
    expect(d.DatasetStats).toEqual({ TotalEntries: COUNT, LabeledEntries: COUNT, ErrorEntries: 0, TotalLabels: 1 });
    const labels = await client.send(new ListDatasetLabelsCommand({ DatasetArn }));
    expect(labels.DatasetLabelDescriptions).toEqual([{ LabelName: 'during', LabelStats: { EntryCount: COUNT } }]);
    const { rows } = await direct.query<{ n: string }>('SELECT COUNT(*) AS n FROM rk_entries WHERE dataset_id = (SELECT id FROM rk_datasets WHERE arn = $1) AND deleted_rev IS NULL', [DatasetArn]);
    expect(Number(rows[0].n)).toBe(COUNT);
    expect((await describeDataset()).Status).toBe('UPDATE_COMPLETE');
  });
});
