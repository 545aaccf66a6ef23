import { CreateDatasetCommand, CreateProjectCommand, ListDatasetEntriesCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, settled } from '../../harness/rekognition.js';
import { troveApiRejection as rejection } from '../../harness/trove-api.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PATH = '/_trove/api/rekognition/entries-page-token';
const COUNT = 2_600;

/** Entry i: one of three labels, every 7th with a box off the frame (an error), every 11th unlabeled. */
function line(i: number, tag = ''): string {
  const ref = `s3://elsewhere/pos/${String(i).padStart(5, '0')}${tag}.png`;
  if (i % 11 === 0) return JSON.stringify({ 'source-ref': ref });
  if (i % 7 === 0) return detectionLine(ref, [{ label: 'car', left: 600, top: 10, width: 100, height: 50 }]);
  return classificationLine(ref, ['rose', 'tulip', 'daisy'][i % 3]);
}


describe.each(BACKENDS)('GetDatasetEntriesPageToken: any position of a listing at once (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let api: TroveApiClient;
  let datasetArn: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'positions' }));
    ({ DatasetArn: datasetArn } = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))) as { DatasetArn: string });
    await settled(client, datasetArn);
    const all = Array.from({ length: COUNT }, (_, i) => line(i));
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: datasetArn, Changes: { GroundTruth: Buffer.from(all.join('\n')) } }));
    await settled(client, datasetArn);
  }, 60_000);
  afterAll(async () => server?.close());

  const tokenAt = (body: Record<string, unknown>) => api.call<{ position: number; nextToken?: string; entryCount?: number }>('POST', PATH, { body: { datasetArn, ...body } });
  const firstRefAt = async (token: string, filters: Record<string, unknown> = {}) => {
    const page = await client.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, ...filters, MaxResults: 3, NextToken: token }));
    return page.DatasetEntries!.map((entry) => JSON.parse(entry)['source-ref'] as string);
  };

  it.each([
    ['no filter', {}, {}],
    ['ContainsLabels (two labels merged)', { containsLabels: ['rose', 'car'] }, { ContainsLabels: ['rose', 'car'] }],
    ['HasErrors', { hasErrors: true }, { HasErrors: true }],
    // HasErrors=false is no filter in ListDatasetEntries; its tokens must continue that listing.
    ['HasErrors=false', { hasErrors: false }, { HasErrors: false }],
    ['Labeled=false', { labeled: false }, { Labeled: false }],
    ['SourceRefContains', { sourceRefContains: '1.png' }, { SourceRefContains: '1.png' }],
    ['Labeled + ContainsLabels', { labeled: true, containsLabels: ['tulip'] }, { Labeled: true, ContainsLabels: ['tulip'] }],
  ])('%s: the token\'s page starts at the position, as walking the pages finds it', async (_name, filters, sdkFilters) => {
    const walked = (await allEntries(client, { DatasetArn: datasetArn, ...sdkFilters })).map((entry) => entry['source-ref'] as string);
    expect(walked.length).toBeGreaterThan(20);
    for (const position of [0, 1, 99, 100, Math.floor(walked.length / 2), walked.length - 1]) {
      const { nextToken, entryCount } = await tokenAt({ ...filters, position });
      expect(entryCount, `position ${position}`).toBeUndefined();
      expect(await firstRefAt(nextToken!, sdkFilters), `position ${position}`).toEqual(walked.slice(position, position + 3));
    }
    // Past the end: no token, and the listing's exact length.
    expect(await tokenAt({ ...filters, position: walked.length })).toEqual({ position: walked.length, entryCount: walked.length });
    expect(await tokenAt({ ...filters, position: walked.length + 5000 })).toEqual({ position: walked.length + 5000, entryCount: walked.length });
  });

  it('walks in bounded steps: the same positions whatever the step', async () => {
    const dataset = (await server.trove.store.rkDatasets.findByArn(datasetArn))!;
    for (const filter of [{}, { containsLabels: ['rose', 'car'] }, { hasErrors: true }]) {
      for (const position of [0, 7, 300, 1000]) {
        const whole = await server.trove.store.rkEntries.positionAt(dataset.id, dataset.revision, filter, position);
        expect(await server.trove.store.rkEntries.positionAt(dataset.id, dataset.revision, filter, position, 7), `${JSON.stringify(filter)} ${position}`).toEqual(whole);
      }
    }
  });

  it('stays on the revision of the listing it is given, and is refused for another listing\'s filters', async () => {
    const first = await client.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, MaxResults: 100 }));
    const before = (await allEntries(client, { DatasetArn: datasetArn })).map((entry) => entry['source-ref'] as string);
    // Rewriting entry 5 moves it to the end of the listing (the order of the last write): positions shift.
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: datasetArn, Changes: { GroundTruth: Buffer.from(classificationLine(before[5], 'tulip')) } }));
    await settled(client, datasetArn);
    const after = (await allEntries(client, { DatasetArn: datasetArn })).map((entry) => entry['source-ref'] as string);
    expect(after[5]).toBe(before[6]);

    const pinned = await tokenAt({ position: 5, listingToken: first.NextToken });
    expect(await firstRefAt(pinned.nextToken!)).toEqual(before.slice(5, 8));
    const fresh = await tokenAt({ position: 5 });
    expect(await firstRefAt(fresh.nextToken!)).toEqual(after.slice(5, 8));

    const wrongFilters = await rejection(tokenAt({ position: 5, hasErrors: true, listingToken: first.NextToken }));
    expect([wrongFilters.status, wrongFilters.code]).toEqual([400, 'ValidationException']);
    const forged = await rejection(tokenAt({ position: 5, listingToken: `${first.NextToken}x` }));
    expect([forged.status, forged.code]).toEqual([400, 'ValidationException']);
  });

  it('answers modelled errors: bad input, a dataset that does not exist', async () => {
    const negative = await rejection(tokenAt({ position: -1 }));
    expect([negative.status, negative.code]).toEqual([400, 'ValidationException']);
    const missing = await rejection(api.call('POST', PATH, { body: { position: 0 } }));
    expect([missing.status, missing.code]).toEqual([400, 'ValidationException']);
    const tooManyLabels = await rejection(tokenAt({ position: 0, containsLabels: Array.from({ length: 11 }, (_, i) => `l${i}`) }));
    expect(tooManyLabels.code).toBe('ValidationException');
    const unknown = await rejection(api.call('POST', PATH, { body: { datasetArn: datasetArn.replace(/\/\d+$/, '/1'), position: 0 } }));
    expect([unknown.status, unknown.code]).toEqual([404, 'ResourceNotFoundException']);
  });

  it('applies the allow-lists (trove:GetDatasetEntriesPageToken and rekognition:ListDatasetEntries on the dataset) and tenancy', async () => {
    // Created last: once a credential exists the local pair stops working on this server.
    const other = await server.createCredential({ account: '111122223333' });
    const otherApi = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: other });
    const foreign = await rejection(otherApi.call('POST', PATH, { body: { datasetArn, position: 0 } }));
    expect([foreign.status, foreign.code]).toEqual([404, 'ResourceNotFoundException']);

    const listOnly = await server.createCredential({ account: '000000000000', allowActions: ['rekognition:*'] });
    const denied = await rejection(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: listOnly }).call('POST', PATH, { body: { datasetArn, position: 0 } }));
    expect([denied.status, denied.code]).toEqual([403, 'AccessDeniedException']);
    // The token's page is a listing's: without ListDatasetEntries, not even its length is told.
    const troveOnly = await server.createCredential({ account: '000000000000', allowActions: ['trove:GetDatasetEntriesPageToken'] });
    const uncounted = await rejection(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: troveOnly }).call('POST', PATH, { body: { datasetArn, position: 1e6 } }));
    expect([uncounted.status, uncounted.message]).toEqual([403, expect.stringContaining('rekognition:ListDatasetEntries')]);
    const allowed = await server.createCredential({
      account: '000000000000', allowActions: ['trove:GetDatasetEntriesPageToken', 'rekognition:ListDatasetEntries'], allowResources: [datasetArn],
    });
    const ok = await new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: allowed }).call<{ nextToken?: string }>('POST', PATH, { body: { datasetArn, position: 10 } });
    expect(ok.nextToken).toEqual(expect.any(String));
  });
});
