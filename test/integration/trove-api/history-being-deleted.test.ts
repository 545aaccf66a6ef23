import { DeleteDatasetCommand, DescribeDatasetCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetHistoryClient } from '../../../src/client/dataset-history-client.js';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { exportLink, putObject } from '../../harness/exchange.js';
import { apiFailure, emptyDataset, historyClient, update } from '../../harness/history.js';
import { classificationLine } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const cat = (name: string) => classificationLine(`s3://photos/deleting/${name}.png`, 'cat');
const dog = (name: string) => classificationLine(`s3://photos/deleting/${name}.png`, 'dog');

/**
 * Trove's history and entry reads of a Rekognition dataset being deleted (DELETE_IN_PROGRESS):
 * each answers ResourceNotFoundException, as exports do, never what the delete job has left of
 * it so far. The delete job is held where its entry purge has ended and its history purge is to
 * start (as downloads-cut-short.test.ts holds it): every entry gone, every history record still
 * there, the state in which a read that only looks at what it reads answers a clean, wrong result.
 * Changes of it are ConflictException (docs/trove-api.md, "A dataset being deleted").
 */
describe.each(BACKENDS)('history reads of a dataset being deleted (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let api: TroveApiClient;
  let history: DatasetHistoryClient;
  beforeAll(async () => {
    server = await startServer({ backend, imageChecks: { enabled: false } });
    client = server.rekognition();
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    history = historyClient(server.url);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => server?.close());

  /** A dataset with 3 revisions, a report of 2 dropped lines (revision 2), 2 snapshots, 11 entries and a diff of 3 changes (2 → 3). */
  async function datasetWithHistory(): Promise<{ arn: string; id: number }> {
    const arn = await emptyDataset(client, 'deleting');
    // 2 of 12 lines dropped: under the 20% that fails a change.
    await update(client, arn, ...'abcdefghij'.split('').map(cat), 'not json', '{"no": "source-ref"}');
    await update(client, arn, dog('a'), dog('b'), cat('k'));
    await history.createSnapshot(arn, 'first', 2);
    await history.createSnapshot(arn, 'second');
    return { arn, id: (await server.trove.store.rkDatasets.findByArn(arn))!.id };
  }

  /**
   * Holds the delete job of dataset `id` before its history purge: `reached` resolves once its
   * entries are all purged; `release` lets it finish.
   */
  function holdBeforeHistoryPurge(id: number): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let reach!: () => void;
    const reached = new Promise<void>((resolve) => { reach = resolve; });
    const repository = Object.getPrototypeOf(server.trove.store.rkHistory) as { purgeDataset(this: unknown, id: number): Promise<number> };
    const purge = repository.purgeDataset;
    vi.spyOn(repository, 'purgeDataset').mockImplementation(async function (this: unknown, datasetId: number) {
      if (datasetId === id) {
        reach();
        await held;
      }
      return purge.call(this, datasetId);
    });
    return { reached, release };
  }

  /** Each paged read of the dataset, one item a page: first pages, and calls of a next page by its token. */
  const reads = (arn: string) => ({
    ListDatasetRevisions: (nextToken?: string) => history.listRevisions(arn, { maxResults: 1, nextToken }),
    GetDatasetIngestReport: (nextToken?: string) => history.report(arn, 2, { maxResults: 1, nextToken }),
    ListDatasetRevisionEntries: (nextToken?: string) => history.entriesAt(arn, undefined, { maxResults: 1, nextToken }),
    'ListDatasetRevisionEntries at a snapshot': (nextToken?: string) => history.entriesAt(arn, 'first', { maxResults: 1, nextToken }),
    DiffDatasetRevisions: (nextToken?: string) => history.diff(arn, '2', '3', { maxResults: 1, nextToken }),
    ListDatasetSnapshots: (nextToken?: string) => history.listSnapshots(arn, { maxResults: 1, nextToken }),
  });

  const tokenAt = (arn: string, position: number) =>
    api.call<{ nextToken?: string; entryCount?: number }>('POST', '/_trove/api/rekognition/entries-page-token', { body: { datasetArn: arn, position } });

  /** How a call that must fail ended: its wire error as [status, code], or 'answered' (so one comparison shows every call). */
  const failure = (call: Promise<unknown>) => call.then(
    () => 'answered',
    (error: unknown) => (error instanceof TroveApiCallError ? [error.status, error.code] : error),
  );

  it('answers ResourceNotFoundException to every history and entry read, from the first page and from a token of a page read before the delete', async () => {
    const { arn, id } = await datasetWithHistory();
    const listings = reads(arn);
    // Every listing has more than one page: the second is asked for with the first's token once the delete has started.
    const tokens: Record<string, string> = {};
    for (const [name, read] of Object.entries(listings)) {
      const page = await read();
      expect({ name, more: page.nextToken !== undefined }).toEqual({ name, more: true });
      tokens[name] = page.nextToken!;
    }
    expect((await tokenAt(arn, 1)).nextToken).toBeDefined();

    const hold = holdBeforeHistoryPurge(id);
    try {
      await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
      await hold.reached;
      // The AWS API still describes it, as AWS does until the delete is done.
      expect((await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toBe('DELETE_IN_PROGRESS');
      const answers: Record<string, unknown> = {};
      for (const [name, read] of Object.entries(listings)) {
        answers[name] = await failure(read());
        answers[`${name}, next page`] = await failure(read(tokens[name]));
      }
      answers.GetDatasetEntriesPageToken = await failure(tokenAt(arn, 1));
      answers.GetDatasetErrorCounts = await failure(api.call('GET', `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/error-counts`));
      answers.CreateDatasetExport = await failure(exportLink(api, arn, 'MANIFEST'));
      const expected = Object.fromEntries(Object.keys(answers).map((name) => [name, [404, 'ResourceNotFoundException']]));
      expect(answers).toEqual(expected);
      // The message says why, the same for every read.
      expect((await apiFailure(history.listRevisions(arn))).message).toBe(`The dataset ${arn} is being deleted: its history and entries can no longer be read.`);
    } finally {
      hold.release();
      await server.trove.runner.idle();
    }
    // Once it is gone, the same error.
    expect(await failure(history.listRevisions(arn))).toEqual([404, 'ResourceNotFoundException']);
  });

  it('refuses changes of it with ConflictException, also once its history is purged, and reads with ResourceNotFoundException', async () => {
    const { arn, id } = await datasetWithHistory();
    const { store, runner } = server.trove;
    runner.pause();
    try {
      await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
      // The delete job's own steps, entries then history, run here while the job waits:
      // DELETE_IN_PROGRESS with no history row left, the dataset record and snapshots still there.
      while ((await store.transaction((tx) => tx.rkEntries.purgeDataset(id, 1000))) > 0);
      while ((await store.transaction((tx) => tx.rkHistory.purgeDataset(id))) > 0);
      expect(await store.rkSnapshots.count(id)).toBe(2);
      expect({
        CreateDatasetSnapshot: await failure(history.createSnapshot(arn, 'late')),
        'CreateDatasetSnapshot of a revision': await failure(history.createSnapshot(arn, 'late', 2)),
        RestoreDatasetSnapshot: await failure(history.restore(arn, 'first')),
        StartDatasetImport: await failure(new ExchangeClient(api).startImport(arn, 'COCO', putObject(server, 'photos', 'deleting/coco.json', '{"images": []}'))),
        UpdateDatasetEntriesIfUnchanged: await failure(api.call('POST', '/_trove/api/rekognition/update-entries-if-unchanged', {
          body: { datasetArn: arn, changes: { groundTruth: Buffer.from(cat('late')).toString('base64') }, expected: [{ sourceRef: 's3://photos/deleting/late.png', absent: true }] },
        })),
        ListDatasetSnapshots: await failure(history.listSnapshots(arn)),
        ListDatasetRevisions: await failure(history.listRevisions(arn)),
      }).toEqual({
        CreateDatasetSnapshot: [409, 'ConflictException'],
        'CreateDatasetSnapshot of a revision': [409, 'ConflictException'],
        RestoreDatasetSnapshot: [409, 'ConflictException'],
        StartDatasetImport: [409, 'ConflictException'],
        UpdateDatasetEntriesIfUnchanged: [409, 'ConflictException'],
        ListDatasetSnapshots: [404, 'ResourceNotFoundException'],
        ListDatasetRevisions: [404, 'ResourceNotFoundException'],
      });
      // Deleting a snapshot of it is accepted: it goes, as all of them will.
      await history.deleteSnapshot(arn, 'second');
      expect(await store.rkSnapshots.count(id)).toBe(1);
    } finally {
      runner.resume();
      await runner.idle();
    }
    expect(await failure(history.createSnapshot(arn, 'gone'))).toEqual([404, 'ResourceNotFoundException']);
  });

  it('answers the error, not a short clean page, when the delete starts while a page of entries is read', async () => {
    const { arn, id } = await datasetWithHistory();
    const hold = holdBeforeHistoryPurge(id);
    const { rkEntries } = server.trove.store;
    const scan = rkEntries.scan.bind(rkEntries);
    let scans = 0;
    // One row a read, so a page of 100 takes several reads: after the first, the dataset's delete
    // starts and purges every entry before the next (the history records stay, held).
    vi.spyOn(rkEntries, 'scan').mockImplementation(async (datasetId, revision, afterId) => {
      if (datasetId === id && ++scans === 2) {
        await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
        await hold.reached;
      }
      return scan(datasetId, revision, afterId, 1);
    });
    try {
      // Without the check after the read: one entry of the eleven, and no nextToken.
      expect(await failure(history.entriesAt(arn, undefined, { maxResults: 100 }))).toEqual([404, 'ResourceNotFoundException']);
      expect(scans).toBeGreaterThanOrEqual(2);
    } finally {
      hold.release();
      await server.trove.runner.idle();
    }
  });

  it('says the dataset is being deleted when the purge makes a read fail, not that a revision left its history', async () => {
    const { arn, id } = await datasetWithHistory();
    const { store, runner } = server.trove;
    runner.pause();
    const find = store.rkHistory.find.bind(store.rkHistory);
    // The snapshot is resolved, then, before its revision's history row is read, the dataset is
    // deleted and its entries and history purged (the delete job's steps, run here).
    vi.spyOn(store.rkHistory, 'find').mockImplementationOnce(async (datasetId, revision) => {
      await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
      while ((await store.transaction((tx) => tx.rkEntries.purgeDataset(id, 1000))) > 0);
      while ((await store.transaction((tx) => tx.rkHistory.purgeDataset(id))) > 0);
      return find(datasetId, revision);
    });
    try {
      const error = await apiFailure(history.entriesAt(arn, 'first'));
      expect([error.status, error.code, error.message]).toEqual([404, 'ResourceNotFoundException', `The dataset ${arn} is being deleted: its history and entries can no longer be read.`]);
    } finally {
      runner.resume();
      await runner.idle();
    }
  });

  it('answers the error, not a position or count of a half-purged listing, when the delete starts while GetDatasetEntriesPageToken reads', async () => {
    const { arn, id } = await datasetWithHistory();
    const hold = holdBeforeHistoryPurge(id);
    const { rkEntries } = server.trove.store;
    const positionAt = rkEntries.positionAt.bind(rkEntries);
    vi.spyOn(rkEntries, 'positionAt').mockImplementation(async (datasetId, ...rest) => {
      if (datasetId === id) {
        await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
        await hold.reached;
      }
      return positionAt(datasetId, ...rest);
    });
    try {
      // Without the check after the read: entryCount 0, a listing that never had that length.
      expect(await failure(tokenAt(arn, 2))).toEqual([404, 'ResourceNotFoundException']);
    } finally {
      hold.release();
      await server.trove.runner.idle();
    }
  });
});
