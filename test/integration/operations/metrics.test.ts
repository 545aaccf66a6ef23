import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListDatasetsCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import {
  CreateDatasetCommand, CreateProjectCommand, DeleteProjectCommand, DescribeDatasetCommand, DescribeProjectsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { png } from '../../harness/images.js';
import { delta, sampleKey, scrape } from '../../harness/metrics.js';
import type { Samples } from '../../harness/metrics.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { sdkFailure } from '../../harness/sdk-failure.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('GET /_trove/metrics (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  it('counts requests by API, operation and status, with latency histograms, beside the process metrics', async () => {
    const rekognition = server.rekognition();
    const before = await scrape(server.url);
    await rekognition.send(new CreateProjectCommand({ ProjectName: 'metrics-requests' }));
    await rekognition.send(new DescribeProjectsCommand({}));
    await rekognition.send(new DescribeProjectsCommand({}));
    const missing = await sdkFailure(rekognition.send(new DescribeDatasetCommand({
      DatasetArn: 'arn:aws:rekognition:us-east-1:000000000000:project/none/dataset/train/1',
    })));
    expect(missing.name).toBe('ResourceNotFoundException');
    await server.agentcore().send(new ListDatasetsCommand({}));
    const after = await scrape(server.url);

    const requests = (api: string, operation: string, status: string) => delta(before, after, 'trove_requests_total', { api, operation, status });
    expect(requests('rekognition', 'CreateProject', '200')).toBe(1);
    expect(requests('rekognition', 'DescribeProjects', '200')).toBe(2);
    expect(requests('rekognition', 'DescribeDataset', '400')).toBe(1);
    expect(requests('bedrock-agentcore', 'ListDatasets', '200')).toBe(1);
    // The previous scrape itself was answered and counted by route.
    expect(requests('http', '/_trove/metrics', '200')).toBe(1);
    const histogram = (suffix: string, extra: Record<string, string> = {}) => delta(before, after, `trove_request_duration_seconds_${suffix}`,
      { api: 'rekognition', operation: 'DescribeProjects', status: '200', ...extra });
    expect(histogram('count')).toBe(2);
    expect(histogram('bucket', { le: '+Inf' })).toBe(2);
    expect(histogram('sum')).toBeGreaterThan(0);
    expect(after.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(after.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(after.has(sampleKey('trove_database_pool_max'))).toBe(backend === 'postgres');
    if (backend === 'postgres') {
      expect(after.get('trove_database_pool_max')).toBe(5);
      expect(after.get(sampleKey('trove_database_pool_connections', { state: 'idle' }))! + after.get(sampleKey('trove_database_pool_connections', { state: 'busy' }))!).toBeGreaterThan(0);
    }
  });

  it('times store statements, transactions and connection waits by engine, with labels from a fixed set', async () => {
    const rekognition = server.rekognition();
    const before = await scrape(server.url);
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'metrics-store' }));
    await rekognition.send(new DescribeProjectsCommand({}));
    await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    // Refused inside its transaction (the project still has a dataset): a rollback.
    expect((await sdkFailure(rekognition.send(new DeleteProjectCommand({ ProjectArn })))).name).toBe('ResourceInUseException');
    const after = await scrape(server.url);

    const engine = backend;
    for (const kind of ['read', 'write', 'control']) {
      expect(delta(before, after, 'trove_database_statement_duration_seconds_count', { engine, kind }), kind).toBeGreaterThan(0);
      expect(delta(before, after, 'trove_database_statement_duration_seconds_bucket', { engine, kind, le: '+Inf' }), kind).toBeGreaterThan(0);
    }
    expect(delta(before, after, 'trove_database_statement_duration_seconds_sum', { engine, kind: 'read' })).toBeGreaterThan(0);
    expect(delta(before, after, 'trove_database_transaction_duration_seconds_count', { engine, outcome: 'commit' })).toBeGreaterThanOrEqual(2);
    expect(delta(before, after, 'trove_database_transaction_duration_seconds_count', { engine, outcome: 'rollback' })).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'trove_database_connection_wait_seconds_count', { engine })).toBeGreaterThan(0);
    expect(after.get(sampleKey('trove_database_transaction_retries_total', { engine, reason: 'read_only' }))).toBe(0);
    if (backend === 'postgres') {
      // CreateProject counts the account's projects under its quota lock.
      expect(delta(before, after, 'trove_database_lock_wait_seconds_count', { engine, lock: 'key' })).toBeGreaterThanOrEqual(1);
      expect(after.get(sampleKey('trove_database_lock_waiting_sessions', { engine }))).toBeGreaterThanOrEqual(0);
    }
    expect(after.has(sampleKey('trove_database_lock_waiting_sessions', { engine: 'postgres' }))).toBe(backend === 'postgres');
    expectFixedDatabaseLabels(after, backend);
  });

  it.runIf(backend === 'postgres')('shows a request waiting for a lock another session holds, and how long it waited', async () => {
    const rekognition = server.rekognition();
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      const before = await scrape(server.url);
      // The quota lock CreateProject takes for the local test pair's account and region (quota-locks-repository.ts).
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify(['rk-projects', '000000000000', 'us-east-1'])]);
      const created = rekognition.send(new CreateProjectCommand({ ProjectName: 'metrics-lock-wait' }));
      const waiting = await eventually(async () => {
        const samples = await scrape(server.url);
        return (samples.get(sampleKey('trove_database_lock_waiting_sessions', { engine: 'postgres' })) ?? 0) >= 1 ? samples : undefined;
      });
      const heldFrom = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const held = (performance.now() - heldFrom) / 1000;
      await holder.query('COMMIT');
      await created;
      const after = await scrape(server.url);
      expect(delta(before, waiting, 'trove_database_lock_wait_seconds_count', { engine: 'postgres', lock: 'key' })).toBe(0);
      expect(delta(before, after, 'trove_database_lock_wait_seconds_count', { engine: 'postgres', lock: 'key' })).toBe(1);
      expect(delta(before, after, 'trove_database_lock_wait_seconds_sum', { engine: 'postgres', lock: 'key' })).toBeGreaterThanOrEqual(held);
      expect(delta(before, after, 'trove_database_lock_wait_seconds_bucket', { engine: 'postgres', lock: 'key', le: '0.1' })).toBe(0);
      expect(after.get(sampleKey('trove_database_lock_waiting_sessions', { engine: 'postgres' }))).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it('counts change lines accepted and rejected by code, image checks by outcome, and the job that applied them', async () => {
    const bucket = join(server.dataDir, 'buckets', 'imgs');
    mkdirSync(bucket, { recursive: true });
    writeFileSync(join(bucket, 'ok.png'), png(100, 100));
    writeFileSync(join(bucket, 'tiny.png'), png(10, 10));
    const rekognition = server.rekognition();
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'metrics-ingest' }));
    const { DatasetArn } = await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(rekognition, DatasetArn!);

    const before = await scrape(server.url);
    const elsewhere = Array.from({ length: 20 }, (_, i) => classificationLine(`s3://elsewhere/img-${i}.png`, 'cat'));
    await rekognition.send(new UpdateDatasetEntriesCommand({
      DatasetArn,
      Changes: {
        GroundTruth: lines(
          ...elsewhere,                                           // not checked: no such bucket in the store (one probe)
          classificationLine('s3://imgs/ok.png', 'cat'),          // a good image
          detectionLine('s3://imgs/tiny.png', [{ label: 'dog', left: 1, top: 1, width: 5, height: 5 }], { width: 10, height: 10 }),
          classificationLine('s3://imgs/missing.png', 'cat'),     // ERROR_INVALID_IMAGE: no such object
          JSON.stringify({ 'source-ref': 's3://elsewhere/meta-only.png', 'cat-metadata': { 'class-name': 'cat' } }), // ERROR_NO_LABEL_ATTRIBUTES
          '{not json',                                            // dropped: INVALID_JSON
          classificationLine('s3://imgs/ok.png', 'dog'),          // dropped: the same source-ref again
        ),
      },
    }));
    expect((await settled(rekognition, DatasetArn!)).Status).toBe('UPDATE_COMPLETE');
    const after = await scrape(server.url);

    const change = (name: string, labels: Record<string, string>) => delta(before, after, name, { source: 'change', ...labels });
    expect(change('trove_rekognition_lines_total', { outcome: 'accepted' })).toBe(24);
    expect(change('trove_rekognition_lines_total', { outcome: 'rejected' })).toBe(2);
    expect(change('trove_rekognition_lines_rejected_total', { code: 'INVALID_JSON' })).toBe(1);
    expect(change('trove_rekognition_lines_rejected_total', { code: 'DUPLICATE_SOURCE_REF' })).toBe(1);
    expect(change('trove_rekognition_line_errors_total', { code: 'ERROR_INVALID_IMAGE' })).toBe(1);
    expect(change('trove_rekognition_line_errors_total', { code: 'ERROR_INVALID_IMAGE_DIMENSION' })).toBe(1);
    expect(change('trove_rekognition_line_errors_total', { code: 'ERROR_NO_LABEL_ATTRIBUTES' })).toBe(1);
    expect(change('trove_rekognition_batches_total', { outcome: 'complete', code: 'SUCCESS' })).toBe(1);
    const images = (outcome: string) => delta(before, after, 'trove_image_checks_total', { outcome });
    expect([images('ok'), images('ERROR_INVALID_IMAGE'), images('ERROR_INVALID_IMAGE_DIMENSION'), images('not_checked')]).toEqual([1, 1, 1, 1]);
    const job = { kind: 'rekognition.update-entries' };
    expect(delta(before, after, 'trove_job_run_seconds_count', { ...job, outcome: 'finished' })).toBe(1);
    expect(delta(before, after, 'trove_job_wait_seconds_count', job)).toBe(1);
    expect(after.get(sampleKey('trove_jobs', { ...job, state: 'queued' }))).toBe(0);

    // A change refused as a whole: every line is rejected with the batch's AWS code.
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines('{a', '{b', '{c') } }));
    expect((await settled(rekognition, DatasetArn!)).Status).toBe('UPDATE_FAILED');
    const refused = await scrape(server.url);
    expect(delta(after, refused, 'trove_rekognition_batches_total', { source: 'change', outcome: 'rejected', code: 'ERROR_TOO_MANY_RECORDS_IN_ERROR' })).toBe(1);
    expect(delta(after, refused, 'trove_rekognition_lines_rejected_total', { source: 'change', code: 'ERROR_TOO_MANY_RECORDS_IN_ERROR' })).toBe(3);
    expect(delta(after, refused, 'trove_rekognition_lines_total', { source: 'change', outcome: 'accepted' })).toBe(0);

    // Refused while its ingest read (too many labels): the lines it read are counted all the same
    // (the ingest threw, and its totals came from the change log the ingest told).
    const labels = Array.from({ length: 251 }, (_, i) => classificationLine(`s3://elsewhere/label-${i}.png`, `label-${i}`));
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...labels, '{bad') } }));
    expect((await settled(rekognition, DatasetArn!)).StatusMessage).toMatch(/^ERROR_MANIFEST_TOO_MANY_LABELS: /);
    const stopped = await scrape(server.url);
    expect(delta(refused, stopped, 'trove_rekognition_batches_total', { source: 'change', outcome: 'rejected', code: 'ERROR_MANIFEST_TOO_MANY_LABELS' })).toBe(1);
    expect(delta(refused, stopped, 'trove_rekognition_lines_rejected_total', { source: 'change', code: 'ERROR_MANIFEST_TOO_MANY_LABELS' })).toBe(252);
    expect(delta(refused, stopped, 'trove_rekognition_lines_total', { source: 'change', outcome: 'rejected' })).toBe(252);
  });

  it('reads queued jobs by kind from the store when scraped', async () => {
    const rekognition = server.rekognition();
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'metrics-queue' }));
    server.trove.runner.pause();
    try {
      await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
      const samples = await scrape(server.url);
      const queued = { kind: 'rekognition.create-dataset', state: 'queued' };
      expect(samples.get(sampleKey('trove_jobs', queued))).toBe(1);
      expect(samples.get(sampleKey('trove_jobs_oldest_age_seconds', queued))).toBeGreaterThanOrEqual(0);
      // Every kind is there, at 0 where nothing waits.
      expect(samples.get(sampleKey('trove_jobs', { kind: 'agentcore.write-examples', state: 'failed' }))).toBe(0);
    } finally {
      server.trove.runner.resume();
    }
    await eventually(async () => ((await scrape(server.url)).get(sampleKey('trove_jobs', { kind: 'rekognition.create-dataset', state: 'queued' })) === 0 ? true : undefined));
  });
});

/** Every trove_database_* series has only the fixed labels, with values from their fixed sets: never SQL text. */
function expectFixedDatabaseLabels(samples: Samples, backend: string): void {
  const allowed: Record<string, readonly string[]> = {
    engine: [backend], kind: ['read', 'write', 'control'], outcome: ['commit', 'rollback'], lock: ['key'], reason: ['read_only'], state: ['busy', 'idle'],
  };
  const keys = [...samples.keys()].filter((key) => key.startsWith('trove_database_'));
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    for (const [, label, value] of key.matchAll(/([a-z_]+)="([^"]*)"/g)) {
      if (label === 'le') continue;
      expect(allowed[label], `${key}: label ${label}`).toBeDefined();
      expect(allowed[label], `${key}: ${label}=${value}`).toContain(value);
    }
  }
}

describe.each(BACKENDS)('/_trove/metrics access (%s)', (backend) => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  let database: TestDatabase | undefined;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'trove-metrics-'));
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    // A non-loopback bind needs a credential first (Trove refuses to serve the network without one).
    const first = await startServer({ backend, dataDir, databaseUrl: database?.url });
    await first.createCredential({ account: '123456789012' });
    await first.close();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const on = (options: Parameters<typeof startServer>[0]) => startServer({ backend, dataDir, databaseUrl: database?.url, ...options });
  const port = (server: TestServer) => new URL(server.url).port;

  it('needs the bearer token on a non-loopback bind (0.0.0.0, scraped through 127.0.0.1)', async () => {
    const server = await on({ host: '0.0.0.0', metrics: { token: TOKEN } });
    try {
      const url = `http://127.0.0.1:${port(server)}`;
      const none = await fetch(`${url}/_trove/metrics`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${url}/_trove/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await fetch(`${url}/_trove/metrics`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
      expect((await scrape(url, TOKEN)).get(sampleKey('trove_requests_total', { api: 'http', operation: '/_trove/metrics', status: '401' }))).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('is off on a non-loopback bind without a token, and refuses to start when asked for anyway', async () => {
    const server = await on({ host: '0.0.0.0' });
    try {
      expect((await fetch(`http://127.0.0.1:${port(server)}/_trove/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(on({ host: '0.0.0.0', metrics: { mode: 'on' } })).rejects.toThrow(/Refusing to serve \/_trove\/metrics on 0\.0\.0\.0 without a token/);
  });

  it('is open on loopback, off with --metrics off, and wants the token on loopback too once one is set', async () => {
    const off = await on({ metrics: { mode: 'off' } });
    try {
      expect((await fetch(`${off.url}/_trove/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
    const tokened = await on({ metrics: { token: TOKEN } });
    try {
      expect((await fetch(`${tokened.url}/_trove/metrics`)).status).toBe(401);
      expect((await scrape(tokened.url, TOKEN)).size).toBeGreaterThan(0);
    } finally {
      await tokened.close();
    }
  });
});
