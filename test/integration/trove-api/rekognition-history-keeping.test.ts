import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { apiFailure, currentEntries, emptyDataset, entriesAt, historyClient, update } from '../../harness/history.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { rawSql } from '../../harness/raw-sql.js';
import { classificationLine } from '../../harness/rekognition.js';
import { MovableClock, startServer } from '../../harness/server.js';
import type { ServerOptions, TestServer } from '../../harness/server.js';

/** Page token lifetime; the server's clock is moved past it, so the machine's load cannot age revisions early. */
const TTL = 60_000;
const version = (label: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => classificationLine(`s3://bucket/keep/${from + i}.jpg`, label));

describe.each(BACKENDS)('snapshots and garbage collection (%s)', (backend) => {
  let server: TestServer;
  const clock = new MovableClock();
  const pastTokenLifetime = () => clock.advance(TTL + 50);
  beforeAll(async () => {
    server = await startServer({ backend, clock, pageTokenTtlMs: TTL, maintenanceIntervalMs: 3_600_000 });
  });
  afterAll(async () => server?.close());

  it('never collects the row versions a snapshot sees; unnamed old revisions become unreadable', async () => {
    const client = server.rekognition();
    const history = historyClient(server.url);
    const arn = await emptyDataset(client, 'gc-snapshot');
    await update(client, arn, ...version('v1', 0, 20));
    await history.createSnapshot(arn, 'kept');
    const kept = await currentEntries(client, arn);
    await update(client, arn, ...version('v2', 0, 10));
    await update(client, arn, ...version('v3', 0, 10));
    expect(await server.trove.maintenance.sweep()).toBe(0);

    pastTokenLifetime();
    // Superseded: 10 rows of v1 at revision 3 (the snapshot sees them) and 10 of v2 at revision 4.
    expect(await server.trove.maintenance.sweep()).toBe(10);
    expect(await entriesAt(history, arn, 'kept')).toEqual(kept);
    const readable = (await history.listRevisions(arn)).revisions.map((r) => [r.revision, r.entriesReadable]);
    expect(readable).toEqual([[4, true], [3, false], [2, true], [1, false]]);
    for (const failure of await Promise.all([history.entriesAt(arn, '3'), history.diff(arn, '3'), history.createSnapshot(arn, 'too-late', 3)].map(apiFailure))) {
      expect([failure.status, failure.code]).toEqual([404, 'ResourceNotFoundException']);
      expect(failure.message).toContain('garbage-collected');
    }
    // The snapshot and now can still be compared and restored.
    expect((await history.all((nextToken) => history.diff(arn, 'kept', undefined, { nextToken }), (page) => page.changes)).length).toBe(10);

    // Once the snapshot is gone, the next collection takes what only it kept.
    await history.deleteSnapshot(arn, 'kept');
    await update(client, arn, ...version('v4', 100, 1));
    pastTokenLifetime();
    expect(await server.trove.maintenance.sweep()).toBe(10);
    expect((await apiFailure(history.entriesAt(arn, '2'))).message).toContain('garbage-collected');
  });
});

describe.each(BACKENDS)('history across restarts and upgrades (%s)', (backend) => {
  const stores: { dataDir: string; database?: TestDatabase }[] = [];
  afterAll(async () => {
    for (const { dataDir, database } of stores) {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  /** A store of its own, and the options that start a server on it (again and again). */
  async function ownStore() {
    const store = { dataDir: mkdtempSync(join(tmpdir(), 'trove-history-restart-')), database: backend === 'postgres' ? await createTestDatabase() : undefined };
    stores.push(store);
    return { backend, dataDir: store.dataDir, ...(store.database ? { databaseUrl: store.database.url } : {}) };
  }
  async function withServer<T>(options: ServerOptions, use: (server: TestServer) => Promise<T>): Promise<T> {
    const server = await startServer(options);
    try {
      return await use(server);
    } finally {
      await server.close();
    }
  }

  it('reads a snapshot the same, with the same history, after Trove restarts on the same store', async () => {
    const options = await ownStore();
    const before = await withServer(options, async (server) => {
      const client = server.rekognition();
      const history = historyClient(server.url);
      const arn = await emptyDataset(client, 'restart');
      await update(client, arn, ...version('before', 0, 12));
      await history.createSnapshot(arn, 'before-restart');
      const snapshot = await currentEntries(client, arn);
      await update(client, arn, ...version('after', 0, 12), 'not json');
      return { arn, snapshot, revisions: (await history.listRevisions(arn)).revisions };
    });
    await withServer(options, async (server) => {
      const history = historyClient(server.url);
      expect(await entriesAt(history, before.arn, 'before-restart')).toEqual(before.snapshot);
      expect((await history.listRevisions(before.arn)).revisions).toEqual(before.revisions);
      expect((await history.report(before.arn, 3)).items).toEqual([expect.objectContaining({ lineNumber: 13, reason: 'INVALID_JSON' })]);
    });
  });

  it('refuses to restore a snapshot larger than the dataset limit (AWS: 250,000 entries), which a later limit can make it', async () => {
    const options = await ownStore();
    const arn = await withServer(options, async (server) => {
      const client = server.rekognition();
      const dataset = await emptyDataset(client, 'limit');
      await update(client, dataset, ...version('big', 0, 12));
      await historyClient(server.url).createSnapshot(dataset, 'big');
      return dataset;
    });
    await withServer({ ...options, rekognition: { maxEntriesPerDataset: 10 } }, async (server) => {
      const refused = await apiFailure(historyClient(server.url).restore(arn, 'big'));
      expect([refused.status, refused.code]).toEqual([400, 'ValidationException']);
      expect(refused.message).toBe('The snapshot has 12 entries; a dataset can hold at most 10.');
    });
  });

  it('starts the history of an existing dataset at the revision it had when Trove was upgraded', async () => {
    const options = await ownStore();
    const arn = await withServer(options, async (server) => {
      const client = server.rekognition();
      const dataset = await emptyDataset(client, 'upgrade');
      await update(client, dataset, ...version('old', 0, 5));
      await update(client, dataset, ...version('older', 3, 4));
      return dataset;
    });
    // The store as the release before history left it (nor had it the later migrations that alter the history's tables: 0041's import conversion).
    for (const statement of ['DROP TABLE rk_history', 'DROP TABLE rk_ingest_reports', 'DROP TABLE rk_snapshots',
      'DROP INDEX rk_entries_superseded_source_ref', 'DELETE FROM schema_migrations WHERE version IN (7, 41)']) {
      await rawSql(options, statement);
    }
    await withServer(options, async (server) => {
      const client = server.rekognition();
      const history = historyClient(server.url);
      expect((await history.listRevisions(arn)).revisions).toEqual([expect.objectContaining({ revision: 3, operation: 'HistoryStarted', entryCount: 7 })]);
      expect((await apiFailure(history.diff(arn, '2'))).message).toContain('not in its history');
      await history.createSnapshot(arn, 'upgraded');
      const upgraded = await currentEntries(client, arn);
      await update(client, arn, ...version('new', 0, 7));
      expect((await history.all((nextToken) => history.diff(arn, 'upgraded', undefined, { nextToken }), (page) => page.changes)).length).toBe(7);
      expect(await entriesAt(history, arn, 'upgraded')).toEqual(upgraded);
    });
  });
});

describe.each(BACKENDS)('allow-lists on the history actions (%s)', (backend) => {
  let server: TestServer;
  let arn: string;
  let other: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    // Datasets first: once a credential exists, the local test/test pair stops working.
    const client = server.rekognition();
    arn = await emptyDataset(client, 'allow');
    other = await emptyDataset(client, 'allow-other');
    await update(client, arn, ...version('x', 0, 3));
  });
  afterAll(async () => server?.close());

  it('checks trove:<Operation> actions and the dataset ARN; another account never sees the dataset', async () => {
    const issue = async (input: Parameters<TestServer['createCredential']>[0]) => {
      const { accessKeyId, secretAccessKey } = await server.createCredential(input);
      return historyClient(server.url, { accessKeyId, secretAccessKey });
    };
    // Read-only history: trove:List* and trove:Get*, with the AWS reads they amount to (src/api/trove/permissions.ts).
    const reader = await issue({ account: '000000000000', allowActions: ['trove:List*', 'trove:Get*', 'rekognition:DescribeDataset', 'rekognition:ListDatasetEntries'] });
    expect((await reader.listRevisions(arn)).revisions).toHaveLength(2);
    const historyOnly = await issue({ account: '000000000000', allowActions: ['trove:*'] });
    const unread = await apiFailure(historyOnly.listRevisions(arn));
    expect([unread.status, unread.message]).toEqual([403, expect.stringContaining('rekognition:DescribeDataset')]);
    const denied = await apiFailure(reader.createSnapshot(arn, 'nope'));
    expect([denied.status, denied.code]).toEqual([403, 'AccessDeniedException']);
    expect(denied.message).toContain('trove:CreateDatasetSnapshot');

    const elsewhere = await issue({ account: '000000000000', allowActions: ['trove:*', 'rekognition:*'], allowResources: [`${other.slice(0, other.lastIndexOf('/'))}/*`] });
    expect((await elsewhere.listSnapshots(other)).snapshots).toEqual([]);
    const wrongDataset = await apiFailure(elsewhere.listRevisions(arn));
    expect([wrongDataset.status, wrongDataset.code]).toEqual([403, 'AccessDeniedException']);
    expect(wrongDataset.message).toContain(arn);

    const stranger = await issue({ account: '111122223333' });
    const unseen = await Promise.all([stranger.listRevisions(arn), stranger.createSnapshot(arn, 'mine'), stranger.diff(arn, '1')].map(apiFailure));
    expect(unseen.map((failure) => [failure.status, failure.code])).toEqual(Array(3).fill([404, 'ResourceNotFoundException']));

    const writerKey = await server.createCredential({ account: '000000000000', allowActions: ['trove:CreateDatasetSnapshot'] });
    const writer = historyClient(server.url, { accessKeyId: writerKey.accessKeyId, secretAccessKey: writerKey.secretAccessKey });
    expect((await writer.createSnapshot(arn, 'allowed')).snapshot).toMatchObject({ name: 'allowed', revision: 2, accessKeyId: writerKey.accessKeyId });
  });
});
