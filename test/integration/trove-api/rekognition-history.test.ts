import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CreateDatasetCommand, CreateProjectCommand, DeleteDatasetCommand, DescribeDatasetCommand, DistributeDatasetEntriesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetHistoryClient } from '../../../src/client/dataset-history-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { apiFailure, currentEntries, emptyDataset, entriesAt, historyClient, update } from '../../harness/history.js';
import { classificationLine, detectionLine, settled } from '../../harness/rekognition.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const ref = (name: string) => `s3://bucket/history/${name}.jpg`;
const cat = (name: string) => classificationLine(ref(name), 'cat');
const dog = (name: string) => classificationLine(ref(name), 'dog');
const BOX = { label: 'cat', left: 10, top: 10, width: 100, height: 80 };

describe.each(BACKENDS)('Rekognition history and snapshots through /_trove/api (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let history: DatasetHistoryClient;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
    history = historyClient(server.url);
  });
  afterAll(async () => server?.close());

  const revisions = (arn: string) => history.all((nextToken) => history.listRevisions(arn, { maxResults: 2, nextToken }), (page) => page.revisions);
  const report = (arn: string, revision: number) => history.all((nextToken) => history.report(arn, revision, { maxResults: 2, nextToken }), (page) => page.items);
  const changes = (arn: string, from: string, to?: string) =>
    history.all((nextToken) => history.diff(arn, from, to, { maxResults: 2, nextToken }), (page) => page.changes);

  it('records every revision with its time, access key and counts, and the ingest report of its change', async () => {
    const started = Date.now() / 1000;
    const arn = await emptyDataset(client, 'history');
    const valid = Array.from({ length: 10 }, (_, i) => cat(`v${i}`));
    const description = await update(client, arn,
      cat('a'),
      '{"source-ref": "s3://bucket/history/x.jpg", "cat": ',
      '',
      '{"cat": 1}',
      dog('b'),
      dog('a'),
      detectionLine(ref('c'), [BOX, { ...BOX, left: -50 }]),
      ...valid);
    expect(description.Status).toBe('UPDATE_COMPLETE');
    expect(description.DatasetStats).toMatchObject({ TotalEntries: 13, ErrorEntries: 1 });

    const [second, first] = await revisions(arn);
    expect(first).toMatchObject({
      revision: 1, operation: 'CreateDataset', status: 'COMPLETE', accessKeyId: 'test', entryCount: 0,
      counts: { linesReceived: 0, linesDropped: 0, entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: 0, entriesRemoved: 0, entriesWithErrors: 0 },
    });
    expect(second).toMatchObject({
      revision: 2, operation: 'UpdateDatasetEntries', status: 'COMPLETE', accessKeyId: 'test', entryCount: 13, snapshots: [], entriesReadable: true,
      counts: { linesReceived: 16, linesDropped: 3, entriesAdded: 13, entriesReplaced: 0, entriesUnchanged: 0, entriesRemoved: 0, entriesWithErrors: 1 },
      report: { items: 4, omitted: 0 },
    });
    expect(second.committedAt).toBeGreaterThanOrEqual(Math.floor(started));
    expect(second.committedAt).toBeLessThanOrEqual(Date.now() / 1000 + 1);

    // Exactly the dropped lines (line numbers count the blank line) and the entry with errors, in line order.
    expect(await report(arn, 2)).toEqual([
      { lineNumber: 2, problem: 'DROPPED', reason: 'INVALID_JSON', message: 'The JSON Line has an invalid format.', sourceRef: ref('x') },
      { lineNumber: 4, problem: 'DROPPED', reason: 'MISSING_SOURCE_REF', message: 'The source-ref key is missing.' },
      { lineNumber: 6, problem: 'DROPPED', reason: 'DUPLICATE_SOURCE_REF', message: 'The source-ref appears on an earlier line of the same change.', sourceRef: ref('a') },
      { lineNumber: 7, problem: 'ERRORS', sourceRef: ref('c'), errorCodes: ['ERROR_INVALID_BOUNDING_BOX'] },
    ]);
    expect(await report(arn, 1)).toEqual([]);

    // The same line again is unchanged, another line for a source-ref replaces it.
    await update(client, arn, cat('a'), cat('b'), cat('new'));
    const [third] = (await history.listRevisions(arn, { maxResults: 1 })).revisions;
    expect(third).toMatchObject({
      revision: 3, entryCount: 14, counts: { linesReceived: 3, linesDropped: 0, entriesAdded: 1, entriesReplaced: 1, entriesUnchanged: 1, entriesWithErrors: 0 },
    });
  });

  it('finds a repeated source-ref in a later chunk of the same change and reports its line', async () => {
    const arn = await emptyDataset(client, 'history-chunks');
    const many = Array.from({ length: 1200 }, (_, i) => cat(`many-${i}`));
    await update(client, arn, ...many, dog('many-3'), '[1, 2]');
    const [latest] = (await history.listRevisions(arn)).revisions;
    expect(latest.counts).toMatchObject({ linesReceived: 1202, linesDropped: 2, entriesAdded: 1200 });
    expect(await report(arn, latest.revision)).toEqual([
      expect.objectContaining({ lineNumber: 1201, reason: 'DUPLICATE_SOURCE_REF', sourceRef: ref('many-3') }),
      expect.objectContaining({ lineNumber: 1202, reason: 'NOT_AN_OBJECT' }),
    ]);
  });

  it('records CreateDataset from a manifest: its s3:// URI, its counts and its report', async () => {
    // The folder object store of the test server: s3://bucket/key is <data dir>/buckets/bucket/key.
    const path = join(server.dataDir, 'buckets', 'history-manifests', 'flowers.manifest');
    mkdirSync(dirname(path), { recursive: true });
    const more = Array.from({ length: 8 }, (_, i) => cat(`m${i + 3}`));
    writeFileSync(path, [cat('m1'), cat('m2'), '', cat('m1'), ...more, '{"source-ref": 7}'].join('\n'));
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'history-manifest' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'history-manifests', Name: 'flowers.manifest' } } },
    }));
    expect((await settled(client, DatasetArn!)).Status).toBe('CREATE_COMPLETE');
    const [created] = (await history.listRevisions(DatasetArn!)).revisions;
    expect(created).toMatchObject({
      revision: 1, operation: 'CreateDataset', status: 'COMPLETE', source: 's3://history-manifests/flowers.manifest', entryCount: 10,
      counts: { linesReceived: 12, linesDropped: 2, entriesAdded: 10 },
    });
    expect((await report(DatasetArn!, 1)).map((item) => ['lineNumber' in item && item.lineNumber, item.problem === 'DROPPED' ? item.reason : item.problem])).toEqual([
      [4, 'DUPLICATE_SOURCE_REF'], [13, 'MISSING_SOURCE_REF'],
    ]);
  });

  it('keeps a change that failed reading its file: the reason, and the lines it read before it stopped (none when unreadable)', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'history-unreadable' }));
    const manifest = (name: string, ...items: string[]) => {
      const path = join(server.dataDir, 'buckets', 'history-unreadable', name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, items.join('\n'));
      return path;
    };
    const create = async (name: string) => (await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: name.startsWith('gone') ? 'TEST' : 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'history-unreadable', Name: name } } },
    }))).DatasetArn!;

    // Gone between the request (which checked it) and the job: nothing read.
    const gone = manifest('gone.manifest', cat('u1'));
    server.trove.runner.pause();
    const goneArn = await create('gone.manifest');
    rmSync(gone);
    server.trove.runner.resume();
    expect((await settled(client, goneArn)).Status).toBe('CREATE_FAILED');
    const [unread] = (await history.listRevisions(goneArn)).revisions;
    expect(unread).toMatchObject({
      revision: 1, operation: 'CreateDataset', status: 'FAILED', source: 's3://history-unreadable/gone.manifest', entryCount: 0,
      failure: { code: 'ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT' },
      counts: { linesReceived: 0, linesDropped: 0, entriesAdded: 0 }, report: { items: 0, omitted: 0 },
    });
    expect(unread.failure!.message).toContain('s3://history-unreadable/gone.manifest no longer exists');

    // Stopped at its fourth line (an image in another bucket): three lines read before, one dropped.
    manifest('two-buckets.manifest', cat('u2'), 'not json', cat('u3'), classificationLine('s3://elsewhere/u4.jpg', 'cat'), cat('u5'));
    const twoArn = await create('two-buckets.manifest');
    expect((await settled(client, twoArn)).Status).toBe('CREATE_FAILED');
    const [stopped] = (await history.listRevisions(twoArn)).revisions;
    expect(stopped).toMatchObject({
      revision: 1, status: 'FAILED', failure: { code: 'ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS' }, entryCount: 0,
      counts: { linesReceived: 4, linesDropped: 1, entriesAdded: 0 }, report: { items: 1, omitted: 0 },
    });
    expect((await report(twoArn, 1)).map((item) => ['lineNumber' in item && item.lineNumber, item.problem === 'DROPPED' ? item.reason : item.problem]))
      .toEqual([[2, 'INVALID_JSON']]);
  });

  it('keeps a failed change as a revision with its reason and report, the entries as they were', async () => {
    const arn = await emptyDataset(client, 'history-failed');
    await update(client, arn, cat('keep-1'), cat('keep-2'));
    const before = await currentEntries(client, arn);
    const failed = await update(client, arn, cat('keep-1'), dog('would-add'), 'not json', '{"source-ref": "https://example.com/x.jpg"}');
    expect(failed.Status).toBe('UPDATE_FAILED');
    expect(await currentEntries(client, arn)).toEqual(before);

    const [latest] = (await history.listRevisions(arn, { maxResults: 1 })).revisions;
    expect(latest).toMatchObject({
      revision: 3, operation: 'UpdateDatasetEntries', status: 'FAILED', entryCount: 2,
      failure: { code: 'ERROR_TOO_MANY_RECORDS_IN_ERROR' },
      counts: { linesReceived: 4, linesDropped: 2, entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: 0 },
    });
    expect(latest.failure!.message).toContain('2 of 4 lines are in error');
    expect((await report(arn, 3)).map((item) => ['lineNumber' in item && item.lineNumber, item.problem === 'DROPPED' ? item.reason : item.problem])).toEqual([
      [3, 'INVALID_JSON'], [4, 'INVALID_SOURCE_REF_FORMAT'],
    ]);
    // Its content is the revision before's: no difference.
    expect(await changes(arn, '2', '3')).toEqual([]);
  });

  it('keeps a snapshot readable exactly as it was after updates, deletions of its entries and distribution', async () => {
    const arn = await emptyDataset(client, 'history-snapshot');
    await update(client, arn, ...Array.from({ length: 10 }, (_, i) => cat(`s${i}`)));
    const { snapshot } = await history.createSnapshot(arn, 'flowers-v1');
    expect(snapshot).toMatchObject({ name: 'flowers-v1', revision: 2, entryCount: 10, accessKeyId: 'test' });
    const v1 = await currentEntries(client, arn);
    expect(await entriesAt(history, arn, 'flowers-v1')).toEqual(v1);

    await update(client, arn, ...Array.from({ length: 5 }, (_, i) => dog(`s${i}`)), cat('s10'), cat('s11'));
    await history.createSnapshot(arn, 'flowers-v2');
    const v2 = await currentEntries(client, arn);
    expect(v2).not.toEqual(v1);
    // Restoring v1 deletes s10 and s11, which only v2 has.
    await history.restore(arn, 'flowers-v1');
    expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    // Distribution moves a fifth of the entries out of TRAIN.
    const project = arn.slice(0, arn.indexOf('/dataset/'));
    const projectArn = (await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription && `${project}/${arn.split('/')[1] === undefined ? '' : ''}`;
    expect(projectArn).toBeDefined();

    expect(await entriesAt(history, arn, 'flowers-v1')).toEqual(v1);
    expect(await entriesAt(history, arn, 'flowers-v2')).toEqual(v2);
    expect(await entriesAt(history, arn, '3')).toEqual(v2);
    const listed = (await history.listSnapshots(arn)).snapshots;
    expect(listed.map((s) => [s.name, s.revision, s.entryCount])).toEqual([['flowers-v1', 2, 10], ['flowers-v2', 3, 12]]);
    const revisionList = await revisions(arn);
    expect(revisionList.find((r) => r.revision === 2)?.snapshots).toEqual(['flowers-v1']);
  });

  it('diffs two revisions or snapshots, or a snapshot and now: added, removed, changed with labels and boxes', async () => {
    const arn = await emptyDataset(client, 'history-diff');
    await update(client, arn, cat('same'), cat('relabel'), cat('gone-later'), detectionLine(ref('boxes'), [BOX]));
    await history.createSnapshot(arn, 'before');
    const moved = { ...BOX, left: 200 };
    await update(client, arn, dog('relabel'), detectionLine(ref('boxes'), [moved, { ...BOX, label: 'dog' }]), cat('added'), cat('same'));
    // An entry can't be deleted through UpdateDatasetEntries: restore a snapshot without it.
    await history.createSnapshot(arn, 'after');

    const diff = await changes(arn, 'before', 'after');
    const bySource = new Map(diff.map((change) => [change.sourceRef, change]));
    expect([...bySource.keys()].sort()).toEqual([ref('added'), ref('boxes'), ref('relabel')]);
    expect(bySource.get(ref('added'))).toMatchObject({ change: 'ADDED', labelsAdded: ['cat'], labelsRemoved: [], boxesAdded: [], boxesRemoved: [] });
    expect(bySource.get(ref('added'))!.before).toBeUndefined();
    expect(JSON.parse(bySource.get(ref('added'))!.after!)['source-ref']).toBe(ref('added'));
    expect(bySource.get(ref('relabel'))).toMatchObject({ change: 'CHANGED', labelsAdded: ['dog'], labelsRemoved: ['cat'] });
    expect(bySource.get(ref('boxes'))).toMatchObject({
      change: 'CHANGED', labelsAdded: ['dog'], labelsRemoved: [],
      boxesAdded: [{ label: 'cat', left: 200, top: 10, width: 100, height: 80 }, { label: 'dog', left: 10, top: 10, width: 100, height: 80 }],
      boxesRemoved: [{ label: 'cat', left: 10, top: 10, width: 100, height: 80 }],
    });

    // The other way round, every change is inverted; by revision numbers it is the same diff.
    const backwards = await changes(arn, 'after', 'before');
    expect(backwards.find((c) => c.sourceRef === ref('added'))).toMatchObject({ change: 'REMOVED', labelsRemoved: ['cat'] });
    expect((await changes(arn, '2', '3')).map((c) => c.sourceRef).sort()).toEqual([...bySource.keys()].sort());
    // A snapshot and now (`to` omitted), after a restore that removes `added` again.
    await history.restore(arn, 'before');
    await settled(client, arn);
    expect(await changes(arn, 'before')).toEqual([]);
    const sinceAfter = await changes(arn, 'after');
    expect(sinceAfter.find((c) => c.sourceRef === ref('added'))?.change).toBe('REMOVED');
    const first = await history.diff(arn, 'after', undefined, { maxResults: 1 });
    expect(first.from).toEqual({ revision: 3, snapshot: 'after' });
    expect(first.to).toEqual({ revision: 4 });
  });

  it('restores a snapshot as one durable job: a new revision whose entries equal the snapshot', async () => {
    const arn = await emptyDataset(client, 'history-restore');
    await update(client, arn, ...Array.from({ length: 30 }, (_, i) => cat(`r${i}`)), detectionLine(ref('r-box'), [BOX, { ...BOX, left: -5 }]));
    await history.createSnapshot(arn, 'good');
    const good = await currentEntries(client, arn);
    const goodStats = (await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription!.DatasetStats;
    await update(client, arn, ...Array.from({ length: 20 }, (_, i) => dog(`r${i}`)), cat('extra-1'), cat('extra-2'), cat('r-box'));

    server.trove.runner.pause();
    const accepted = await history.restore(arn, 'good');
    expect(accepted).toMatchObject({ datasetArn: arn, revision: 4, status: 'UPDATE_IN_PROGRESS', snapshot: { name: 'good', revision: 2 } });
    expect((await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toBe('UPDATE_IN_PROGRESS');
    // One change at a time, as UpdateDatasetEntries.
    expect((await apiFailure(history.restore(arn, 'good'))).code).toBe('ConflictException');
    // Like every change, a restore asks for SQLite's substring index to catch up with what it wrote.
    const catchUp = vi.spyOn(server.trove.maintenance, 'indexSourceRefsSoon');
    server.trove.runner.resume();
    const done = await settled(client, arn);
    expect(done.Status).toBe('UPDATE_COMPLETE');
    await eventually(async () => (catchUp.mock.calls.length > 0 ? true : undefined), 5_000, 'the index catch-up');
    catchUp.mockRestore();
    expect(done.DatasetStats).toEqual(goodStats);
    expect(await currentEntries(client, arn)).toEqual(good);
    const [restore] = (await history.listRevisions(arn, { maxResults: 1 })).revisions;
    expect(restore).toMatchObject({
      revision: 4, operation: 'RestoreDatasetSnapshot', status: 'COMPLETE', source: 'snapshot good (revision 2)', entryCount: 31,
      counts: { linesReceived: 0, entriesAdded: 0, entriesReplaced: 21, entriesRemoved: 2, entriesWithErrors: 1 },
    });
    expect(await changes(arn, 'good')).toEqual([]);
  });

  it('answers modelled errors for bad names, taken names, unknown snapshots and revisions, and bad tokens', async () => {
    const arn = await emptyDataset(client, 'history-errors');
    await update(client, arn, cat('e1'));
    const bad = await apiFailure(history.createSnapshot(arn, 'has space'));
    expect([bad.status, bad.code]).toEqual([400, 'ValidationException']);
    expect((await apiFailure(history.createSnapshot(arn, '123'))).message).toContain('only digits');
    await history.createSnapshot(arn, 'taken');
    expect((await apiFailure(history.createSnapshot(arn, 'taken'))).code).toBe('ConflictException');
    const unknown = await Promise.all([history.diff(arn, 'nope'), history.restore(arn, 'nope'), history.deleteSnapshot(arn, 'nope'),
      history.entriesAt(arn, '99'), history.report(arn, 99), history.createSnapshot(arn, 'later', 99)].map(apiFailure));
    expect(unknown.map((failure) => [failure.status, failure.code])).toEqual(Array(6).fill([404, 'ResourceNotFoundException']));
    const token = (await history.listRevisions(arn, { maxResults: 1 })).nextToken!;
    expect((await apiFailure(history.listSnapshots(arn, { nextToken: token }))).code).toBe('ValidationException');
    expect((await apiFailure(history.listRevisions(arn, { nextToken: `${token}x` }))).code).toBe('ValidationException');
    await history.deleteSnapshot(arn, 'taken');
    expect((await history.listSnapshots(arn)).snapshots).toEqual([]);
  });

  it('pages each listing with tokens pinned to its first page', async () => {
    const arn = await emptyDataset(client, 'history-pages');
    for (let round = 0; round < 3; round++) await update(client, arn, cat(`p${round}`));
    const first = await history.listRevisions(arn, { maxResults: 2 });
    expect(first.revisions.map((r) => r.revision)).toEqual([4, 3]);
    await update(client, arn, cat('p-late'));
    const second = await history.listRevisions(arn, { maxResults: 2, nextToken: first.nextToken });
    expect(second.revisions.map((r) => r.revision)).toEqual([2, 1]);
    expect(second.nextToken).toBeUndefined();

    await history.createSnapshot(arn, 'pin');
    const page = await history.entriesAt(arn, 'pin', { maxResults: 2 });
    await update(client, arn, ...Array.from({ length: 5 }, (_, i) => dog(`late-${i}`)));
    const rest = await history.entriesAt(arn, undefined, { maxResults: 100, nextToken: page.nextToken });
    expect(rest.revision).toBe(5);
    expect(page.entries.length + rest.entries.length).toBe(4);
  });

  it('deletes a dataset with its history and snapshots', async () => {
    const arn = await emptyDataset(client, 'history-delete');
    const id = (await server.trove.store.rkDatasets.findByArn(arn))!.id;
    await update(client, arn, cat('d1'), 'bad line');
    await history.createSnapshot(arn, 'doomed');
    await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
    await eventually(async () => client.send(new DescribeDatasetCommand({ DatasetArn: arn })).then(() => undefined, (error: unknown) => error instanceof ResourceNotFoundException || undefined));
    expect((await apiFailure(history.listSnapshots(arn))).code).toBe('ResourceNotFoundException');
    const { store } = server.trove;
    expect(await store.rkHistory.pageNewestFirst(id, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await store.rkSnapshots.count(id)).toBe(0);
    expect(await store.rkHistory.reportParts(id, 2, 0, 10)).toEqual([]);
  });

  it('records DistributeDatasetEntries in both datasets, each naming the other', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'history-distribute' }));
    const train = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    const test = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }))).DatasetArn!;
    await settled(client, train);
    await settled(client, test);
    await update(client, train, ...Array.from({ length: 10 }, (_, i) => (i % 2 ? cat(`t${i}`) : dog(`t${i}`))));
    await history.createSnapshot(train, 'all');
    const all = await currentEntries(client, train);
    await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: train }, { Arn: test }] }));
    await settled(client, train);
    await settled(client, test);
    const [trainRevision] = (await history.listRevisions(train, { maxResults: 1 })).revisions;
    const [testRevision] = (await history.listRevisions(test, { maxResults: 1 })).revisions;
    expect(trainRevision).toMatchObject({ operation: 'DistributeDatasetEntries', source: test, entryCount: 8, counts: { entriesRemoved: 2, entriesAdded: 0 } });
    expect(testRevision).toMatchObject({ operation: 'DistributeDatasetEntries', source: train, entryCount: 2, counts: { entriesAdded: 2, entriesRemoved: 0 } });
    // The entries moved out are still in the snapshot.
    expect(await entriesAt(history, train, 'all')).toEqual(all);
    const removed = await history.all((nextToken) => history.diff(train, 'all', undefined, { nextToken }), (page) => page.changes);
    expect(removed.map((c) => c.change)).toEqual(['REMOVED', 'REMOVED']);
  });
});
