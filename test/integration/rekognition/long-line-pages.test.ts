import { createHash, randomBytes } from 'node:crypto';
import {
  CreateDatasetCommand, CreateProjectCommand, DistributeDatasetEntriesCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import type { StoredEntry } from '../../../src/store/records.js';
import { BACKENDS } from '../../harness/backends.js';
import { exportLink, putObject } from '../../harness/exchange.js';
import { currentEntries, historyClient } from '../../harness/history.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { recordReads } from '../../harness/statements.js';
import type { ReadStatement } from '../../harness/statements.js';
import { troveApiRejection } from '../../harness/trove-api.js';

/** A few hundred lines just under the 100,000 characters a line may have. */
const LINES = 200;
const LINE_CHARS = 90_000;
/** The store's page budget for this server: three such lines, where 1,000 rows were read before. */
const BUDGET = 300_000;

/** A classification line padded with random hex (PostgreSQL stores it out of line, uncompressed) to LINE_CHARS. */
function longLine(i: number): string {
  const line = { ...JSON.parse(classificationLine(`s3://photos/long/${i}.jpg`, i % 2 === 0 ? 'rose' : 'tulip')) as object, notes: '' };
  const pad = LINE_CHARS - JSON.stringify(line).length;
  line.notes = randomBytes(Math.ceil(pad / 2)).toString('hex').slice(0, pad);
  return JSON.stringify(line);
}

/** The line bytes of each page a repository read returned, as it returned them. */
type Pages = number[][];

/** Records the pages a repository read returns (rows, a page of `rows`, or rows by key); the call itself runs unchanged. */
function recordPages<T extends object>(repository: T, method: keyof T & string, pages: Pages): void {
  const original = (repository[method] as (...args: unknown[]) => Promise<StoredEntry[] | Map<string, StoredEntry> | { rows: StoredEntry[] }>).bind(repository);
  Object.assign(repository, {
    [method]: async (...args: unknown[]) => {
      const result = await original(...args);
      const rows = Array.isArray(result) ? result : result instanceof Map ? [...result.values()] : result.rows;
      if (rows.length > 0) pages.push(rows.map((row) => Buffer.byteLength(row.line)));
      return result;
    },
  });
}

/** Long lines a change replaces in one chunk of its ingest (3.6 MB: one UpdateDatasetEntries holds 5 MB at most). */
const REPLACED = 40;

/** The reads of entry rows (rk_entries) the server ran during `fn`, with the bytes each brought back. */
async function entryReadsDuring(fn: () => Promise<unknown>): Promise<ReadStatement[]> {
  const recording = recordReads();
  try {
    await fn();
  } finally {
    recording.stop();
  }
  return recording.reads.filter((read) => /\brk_entries\b/.test(read.sql));
}

/** Every read within the budget (or a single row), and all of them together at least `bytes`. */
function expectBoundedReads(reads: readonly ReadStatement[], bytes: number): void {
  for (const read of reads) expect(read.rows === 1 || read.bytes <= BUDGET, `${read.rows} rows, ${read.bytes} bytes read at once: ${read.sql}`).toBe(true);
  expect(reads.reduce((sum, read) => sum + read.bytes, 0)).toBeGreaterThanOrEqual(bytes);
}

/** The entries, sorted, as one digest and a count: a failed comparison prints two lines, not 18 MB. */
function digest(entries: readonly string[]): { count: number; sha256: string } {
  return { count: entries.length, sha256: createHash('sha256').update([...entries].sort().join('\n')).digest('hex') };
}

/** Every page within the budget (or a single line), and enough of them to have read `bytes` that way. */
function expectBoundedPages(pages: Pages, bytes: number): void {
  expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(bytes / BUDGET));
  for (const page of pages) {
    const sum = page.reduce((a, b) => a + b, 0);
    expect(page.length === 1 || sum <= BUDGET, `a page of ${page.length} lines, ${sum} bytes`).toBe(true);
  }
}

/**
 * Memory bounded by bytes: with 200 lines of 90,000 characters, a dataset copy, an export, a
 * restore and a distribution read the entries in pages of at most the store's byte budget
 * (`pageReadBytes`, here 300,000 bytes: three lines), where they read 1,000 rows (~90 MB of
 * lines) at once before, and the results are exactly those of reading everything at once.
 */
describe.each(BACKENDS)('pages of long lines bounded by bytes (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let api: TroveApiClient;
  let source: string;
  let copy: string;
  let test: string;
  let sourceEntries: string[];
  /** The copy's entries once every line was replaced by a short one (snapshot `short`). */
  let shortEntries: string[];
  const expected = Array.from({ length: LINES }, (_, i) => longLine(i));
  const totalBytes = expected.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
  const pages: Pages = [];
  /** The lines a diff step read of each walked row's version at the other revision (rkEntryVersions.at). */
  const counterparts: Pages = [];

  beforeAll(async () => {
    server = await startServer({ backend, pageReadBytes: BUDGET, imageChecks: { enabled: false } });
    client = server.rekognition();
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const { store } = server.trove;
    recordPages(store.rkEntries, 'scan', pages);
    recordPages(store.rkEntryVersions, 'supersededBetween', pages);
    recordPages(store.rkEntryVersions, 'createdBetween', pages);
    recordPages(store.rkEntryVersions, 'at', counterparts);
    putObject(server, 'manifests', 'long.manifest', expected.join('\n'));
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'long-lines' }));
    ({ DatasetArn: source } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'long.manifest' } } },
    })) as { DatasetArn: string });
    expect(await settled(client, source)).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: LINES } });
    sourceEntries = await currentEntries(client, source);
    expect(sourceEntries.map((entry) => (JSON.parse(entry) as { notes: string }).notes).sort())
      .toEqual(expected.map((line) => (JSON.parse(line) as { notes: string }).notes).sort());
  }, 120_000);
  afterAll(async () => server?.close());
  beforeEach(() => {
    pages.splice(0);
    counterparts.splice(0);
  });

  it('copies a dataset (CreateDataset from another) page by page, every entry as it was', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'long-lines-copy' }));
    ({ DatasetArn: copy } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN', DatasetSource: { DatasetArn: source } })) as { DatasetArn: string });
    expect(await settled(client, copy)).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: LINES, TotalLabels: 2 } });
    expectBoundedPages(pages, totalBytes);
    expect(digest(await currentEntries(client, copy))).toEqual(digest(sourceEntries));
    ({ DatasetArn: test } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' })) as { DatasetArn: string });
    await settled(client, test);
  }, 60_000);

  it('exports a manifest page by page, byte for byte the stored lines', async () => {
    const link = await exportLink(api, source, 'MANIFEST');
    const body = await (await fetch(link.url)).text();
    expectBoundedPages(pages, totalBytes);
    expect(digest(body.split('\n').filter(Boolean).map((line) => JSON.stringify(JSON.parse(line))))).toEqual(digest(sourceEntries));
  }, 60_000);

  it('restores a snapshot page by page, every entry back as it was', async () => {
    const history = historyClient(server.url);
    await history.createSnapshot(copy, 'long');
    // Every entry replaced by a short line: the restore reads all 200 long ones back.
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn: copy, Changes: { GroundTruth: lines(...expected.map((_, i) => classificationLine(`s3://photos/long/${i}.jpg`, 'short'))) },
    }));
    expect((await settled(client, copy)).Status).toBe('UPDATE_COMPLETE');
    shortEntries = await currentEntries(client, copy);
    await history.createSnapshot(copy, 'short');
    pages.splice(0);
    counterparts.splice(0);
    await history.restore(copy, 'long');
    expect((await settled(client, copy)).Status).toBe('UPDATE_COMPLETE');
    expectBoundedPages(pages, totalBytes);
    // The 200 short lines the restore walks as created since the snapshot need only whether each
    // existed then, not their long lines (18 MB in one read before); the long ones it walks as
    // superseded, a page at a time, read their short lines now (a page's worth).
    for (const page of counterparts) expect(page.reduce((a, b) => a + b, 0), `${page.length} lines of the other revision read at once`).toBeLessThanOrEqual(BUDGET);
    expect(digest(await currentEntries(client, copy))).toEqual(digest(sourceEntries));
  }, 60_000);

  it('restores a snapshot of short lines over long ones, reading the long ones a page at a time', async () => {
    const history = historyClient(server.url);
    // The 200 short lines the restore walks as superseded fit one page; their versions now (the
    // long lines) are read within the budget with them, not all 200 at once (18 MB before).
    await history.restore(copy, 'short');
    expect((await settled(client, copy)).Status).toBe('UPDATE_COMPLETE');
    expect(counterparts.length).toBeGreaterThanOrEqual(Math.ceil(totalBytes / BUDGET));
    for (const page of counterparts) {
      const sum = page.reduce((a, b) => a + b, 0);
      expect(page.length === 1 || sum <= BUDGET, `${page.length} lines of the other revision read at once, ${sum} bytes`).toBe(true);
    }
    expect(digest(await currentEntries(client, copy))).toEqual(digest(shortEntries));
    await history.restore(copy, 'long');
    expect((await settled(client, copy)).Status).toBe('UPDATE_COMPLETE');
    expect(digest(await currentEntries(client, copy))).toEqual(digest(sourceEntries));
  }, 60_000);

  it('distributes a dataset page by page, every entry on one side, a fifth of them moved', async () => {
    await client.send(new DistributeDatasetEntriesCommand({ Datasets: [{ Arn: copy }, { Arn: test }] }));
    expect(await settled(client, copy)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: LINES - LINES / 5 } });
    expect(await settled(client, test)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: LINES / 5 } });
    expectBoundedPages(pages, totalBytes);
    expect(digest([...await currentEntries(client, copy), ...await currentEntries(client, test)])).toEqual(digest(sourceEntries));
  }, 60_000);
  it('replaces long lines by short ones without reading them, and finds the very same long lines a budget at a time', async () => {
    const history = historyClient(server.url);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'long-lines-replaced' }));
    const { DatasetArn: arn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
    await settled(client, arn);
    const long = expected.slice(0, REPLACED);
    const short = long.map((_, i) => classificationLine(`s3://photos/long/${i}.jpg`, 'short'));
    const change = (items: string[]) => entryReadsDuring(async () => {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(...items) } }));
      expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    });
    const counts = async () => (await history.listRevisions(arn, { maxResults: 1 })).revisions[0].counts;
    await change(long);
    const longEntries = await currentEntries(client, arn);
    const longBytes = longEntries.reduce((sum, line) => sum + Buffer.byteLength(line), 0);

    // Short lines replacing 3.6 MB of long ones read none of them (the old lines were read whole,
    // all 40 in one statement, only to tell an unchanged entry from a replaced one).
    const replacing = await change(short);
    expect(replacing.reduce((sum, read) => sum + read.bytes, 0)).toBeLessThan(LINE_CHARS);
    expect(await counts()).toMatchObject({ entriesAdded: 0, entriesReplaced: REPLACED, entriesUnchanged: 0 });
    await change(long);
    expect(await counts()).toMatchObject({ entriesAdded: 0, entriesReplaced: REPLACED, entriesUnchanged: 0 });
    // The very same long lines again: each stored one is compared, read a budget at a time.
    expectBoundedReads(await change(long), longBytes);
    expect(await counts()).toMatchObject({ entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: REPLACED });
    expect(digest(await currentEntries(client, arn))).toEqual(digest(longEntries));
  }, 60_000);

  it('checks a conditional change against long lines a budget at a time', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'long-lines-conditional' }));
    const { DatasetArn: arn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string };
    await settled(client, arn);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(...expected.slice(0, REPLACED)) } }));
    await settled(client, arn);
    const stored = await currentEntries(client, arn);
    const storedBytes = stored.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    const version = (line: string) => createHash('sha256').update(line, 'utf8').digest('hex');
    const sourceRef = (line: string) => (JSON.parse(line) as { 'source-ref': string })['source-ref'];
    const conditional = (expectations: unknown[]) => api.call('POST', '/_trove/api/rekognition/update-entries-if-unchanged', {
      body: { datasetArn: arn, changes: { groundTruth: Buffer.from(stored.map((line) => classificationLine(sourceRef(line), 'short')).join('\n')).toString('base64') }, expected: expectations },
    });

    // One version is stale: the change is refused with that entry's current line, every stored line hashed a budget at a time.
    const [stale, ...current] = stored;
    let failure: Awaited<ReturnType<typeof troveApiRejection>> | undefined;
    const refused = await entryReadsDuring(async () => {
      failure = await troveApiRejection(conditional([{ sourceRef: sourceRef(stale), version: version('{}') }, ...current.map((line) => ({ sourceRef: sourceRef(line), version: version(line) }))]));
    });
    expect([failure?.status, failure?.code]).toEqual([409, 'ConditionalCheckFailedException']);
    expect(failure?.body).toMatchObject({ conflictCount: 1, conflicts: [{ sourceRef: sourceRef(stale), current: { version: version(stale), line: stale } }] });
    expectBoundedReads(refused, storedBytes);

    // Every version right: accepted, the same reads within the budget.
    const accepted = await entryReadsDuring(async () => {
      expect(await conditional(stored.map((line) => ({ sourceRef: sourceRef(line), version: version(line) })))).toEqual({});
      expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    });
    expectBoundedReads(accepted, storedBytes);
    expect((await currentEntries(client, arn)).every((line) => JSON.parse(line).short === 1)).toBe(true);
  }, 60_000);
});
