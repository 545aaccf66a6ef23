import { CreateDatasetCommand, CreateProjectCommand, ListDatasetEntriesCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntry } from '../../../console/src/rekognition/entry-model.js';
import { sumServerCounts } from '../../../console/src/rekognition/error-counts-model.js';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLine, detectionLine, settled } from '../../harness/rekognition.js';
import { troveApiRejection as rejection } from '../../harness/trove-api.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const COUNT = 2_600;

interface ErrorCounts { revision: number; entriesRead: number; errorCounts: { code: string; entries: number }[]; nextToken?: string }

/** Entry i: most with errors of one of three kinds (one with several codes per entry), every 10th clean. */
function line(i: number, tag = ''): string {
  const ref = `s3://elsewhere/errs/${String(i).padStart(5, '0')}${tag}.png`;
  if (i % 10 === 0) return classificationLine(ref, 'rose');
  if (i % 3 === 0) return detectionLine(ref, [{ label: 'car', left: 600, top: 10, width: 100, height: 50 }, { label: 'car', left: 5, top: 10, width: 0, height: 50 }]);
  if (i % 3 === 1) return JSON.stringify({ 'source-ref': ref, 'orphan-metadata': {} });
  return JSON.stringify({ 'source-ref': ref, cat: 1, 'cat-metadata': { type: 'not-a-type' } });
}

describe.each(BACKENDS)('GetDatasetErrorCounts: entries by error code, counted on the server (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let api: TroveApiClient;
  let datasetArn: string;
  let otherArn: string;
  const path = (arn: string) => `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/error-counts`;

  beforeAll(async () => {
    // One page (100 entries) per call, so a walk of this dataset takes many calls.
    server = await startServer({ backend, rekognition: { errorCountBytesPerCall: 1 } });
    client = server.rekognition();
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'error-counts' }));
    ({ DatasetArn: datasetArn } = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))) as { DatasetArn: string });
    ({ DatasetArn: otherArn } = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }))) as { DatasetArn: string });
    await settled(client, datasetArn);
    await settled(client, otherArn);
    await change(datasetArn, Array.from({ length: COUNT }, (_, i) => line(i)));
    await change(otherArn, Array.from({ length: 250 }, (_, i) => line(i)));
  }, 120_000);
  afterAll(async () => server?.close());

  async function change(arn: string, lines: string[]) {
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: Buffer.from(lines.join('\n')) } }));
    await settled(client, arn);
  }

  /** The reference: every entry with errors read with ListDatasetEntries, its codes counted as the console reads them. */
  async function countedByListing(arn: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListDatasetEntriesCommand({ DatasetArn: arn, HasErrors: true, MaxResults: 100, NextToken }));
      for (const entry of page.DatasetEntries ?? []) for (const code of new Set(readEntry(entry).errors.map((e) => e.code))) counts[code] = (counts[code] ?? 0) + 1;
      NextToken = page.NextToken;
    } while (NextToken);
    return counts;
  }

  const call = (arn: string, nextToken?: string) => api.call<ErrorCounts>('GET', path(arn), { query: { nextToken } });

  /** Follows the tokens from `first`, adding each call's counts. */
  async function walk(arn: string, first?: ErrorCounts) {
    let answer = first ?? await call(arn);
    const counts: Record<string, number> = {};
    let entries = 0;
    let calls = 0;
    const revision = answer.revision;
    for (;;) {
      calls += 1;
      entries += answer.entriesRead;
      expect(answer.revision).toBe(revision);
      for (const { code, entries: n } of answer.errorCounts) counts[code] = (counts[code] ?? 0) + n;
      if (!answer.nextToken) return { counts, entries, calls, revision };
      answer = await call(arn, answer.nextToken);
    }
  }

  it('counts every entry with errors of a dataset past 2,000 of them, by code, as its listing reads them, over calls within the budget', async () => {
    const expected = await countedByListing(datasetArn);
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(5);
    const first = await call(datasetArn);
    // The budget is spent after one page: the first answer is part of the counts, and says so with a token.
    expect(first).toMatchObject({ entriesRead: 100, nextToken: expect.any(String) });
    const { counts, entries, calls } = await walk(datasetArn, first);
    expect(counts).toEqual(expected);
    expect(entries).toBe(COUNT - COUNT / 10);
    expect(entries).toBeGreaterThan(2_000);
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(entries / 100));
    // Most frequent first, then by code.
    const ordered = first.errorCounts.map((c) => c.entries);
    expect(ordered).toEqual([...ordered].sort((a, b) => b - a));
  });

  it('gives the console\'s summary exact counts, or says "at least" when it stops early', async () => {
    const expected = await countedByListing(datasetArn);
    // This server reads one page per call: 24 calls, more than the console makes by default.
    const summary = await sumServerCounts((nextToken) => call(datasetArn, nextToken), 100);
    expect(summary.complete).toBe(true);
    expect(Object.fromEntries(summary.codes)).toEqual(expected);
    const partial = await sumServerCounts((nextToken) => call(datasetArn, nextToken), 3);
    expect(partial).toMatchObject({ read: 300, complete: false });
  });

  it('goes on at the revision of its first call when the dataset changes between calls; a new walk counts the new revision', async () => {
    const before = await countedByListing(datasetArn);
    const first = await call(datasetArn);
    // 300 more entries with errors, committed between the walk's first and second calls.
    await change(datasetArn, Array.from({ length: 300 }, (_, i) => line(i + 1, '-more')).filter((l) => !l.includes('"rose"')));
    const old = await walk(datasetArn, first);
    expect(old.counts).toEqual(before);
    const now = await walk(datasetArn);
    expect(now.revision).toBeGreaterThan(old.revision);
    expect(now.counts).toEqual(await countedByListing(datasetArn));
    expect(now.entries).toBeGreaterThan(old.entries);
  });

  it('answers an empty count for a dataset without errors, and refuses tokens that are not its own', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'error-counts-clean' }));
    const { DatasetArn: clean } = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))) as { DatasetArn: string };
    await settled(client, clean);
    await change(clean, [classificationLine('s3://elsewhere/clean.png', 'rose')]);
    expect(await call(clean)).toEqual({ revision: expect.any(Number), entriesRead: 0, errorCounts: [] });

    const { nextToken } = await call(datasetArn);
    const foreign = await rejection(call(otherArn, nextToken));
    expect([foreign.status, foreign.code]).toEqual([400, 'ValidationException']);
    const forged = await rejection(call(datasetArn, `${nextToken!.slice(0, -2)}xx`));
    expect([forged.status, forged.code]).toEqual([400, 'ValidationException']);
    const unknown = await rejection(call(datasetArn.replace(/\/\d+$/, '/1')));
    expect([unknown.status, unknown.code]).toEqual([404, 'ResourceNotFoundException']);
  });

  it('applies the allow-lists (trove:GetDatasetErrorCounts and rekognition:ListDatasetEntries on the dataset) and tenancy', async () => {
    // Created last: once a credential exists the local pair stops working on this server.
    const as = async (credentials: Awaited<ReturnType<TestServer['createCredential']>>) =>
      new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials }).call<ErrorCounts>('GET', path(datasetArn));
    const foreign = await rejection(as(await server.createCredential({ account: '111122223333' })));
    expect([foreign.status, foreign.code]).toEqual([404, 'ResourceNotFoundException']);
    const troveOnly = await rejection(as(await server.createCredential({ account: '000000000000', allowActions: ['trove:GetDatasetErrorCounts'] })));
    expect([troveOnly.status, troveOnly.message]).toEqual([403, expect.stringContaining('rekognition:ListDatasetEntries')]);
    const otherDataset = await rejection(as(await server.createCredential({
      account: '000000000000', allowActions: ['trove:GetDatasetErrorCounts', 'rekognition:ListDatasetEntries'], allowResources: [otherArn],
    })));
    expect(otherDataset.status).toBe(403);
    const allowed = await as(await server.createCredential({
      account: '000000000000', allowActions: ['trove:GetDatasetErrorCounts', 'rekognition:ListDatasetEntries'], allowResources: [datasetArn],
    }));
    expect(allowed.entriesRead).toBe(100);
  });
});
