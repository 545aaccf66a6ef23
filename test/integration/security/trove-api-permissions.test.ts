import { CreateDatasetCommand as CreateAgentCoreDataset } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpBindings } from '../../../src/api/trove/http-bindings.js';
import type { TroveOperationName } from '../../../src/api/trove/inputs.js';
import { AWS_ACTIONS, UNRESTRICTED_OPERATIONS } from '../../../src/api/trove/permissions.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import type { CallOptions } from '../../../src/client/trove-api-client.js';
import { predefined, settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { newDataset, putObject } from '../../harness/exchange.js';
import { png } from '../../harness/images.js';
import { classificationLine, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// Every operation of Trove's own API, attacked two ways: by another account naming the owner's
// dataset (it must not exist for the caller), and by a key of the owner's account allowed every
// `trove:` action but none of the AWS actions the operation amounts to (it must do nothing the
// AWS API would refuse it: restore or import without UpdateDatasetEntries, read entries through a
// diff, an export or a conflict without ListDatasetEntries). The table is checked against the
// API's bindings, so a new operation fails here until it is listed.

const OWNER = '111111111111';
const STRANGER = '222222222222';

interface Target { arn: string; datasetId: string }
type Call = readonly [method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: CallOptions];

const COCO = JSON.stringify({ images: [{ id: 1, file_name: 's3://photos/a.png', width: 64, height: 64 }], annotations: [], categories: [] });
const dataset = (arn: string) => `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}`;

/** One request per operation, naming the owner's resources. */
const CALLS: Record<TroveOperationName, (t: Target) => Call> = {
  GetCallerIdentity: () => ['GET', '/_trove/api/caller'],
  ListDatasetRevisions: (t) => ['GET', `${dataset(t.arn)}/revisions`],
  GetDatasetIngestReport: (t) => ['GET', `${dataset(t.arn)}/revisions/2/report`],
  ListDatasetRevisionEntries: (t) => ['GET', `${dataset(t.arn)}/entries`, { query: { at: 'kept' } }],
  DiffDatasetRevisions: (t) => ['GET', `${dataset(t.arn)}/diff`, { query: { from: '1' } }],
  CreateDatasetSnapshot: (t) => ['POST', `${dataset(t.arn)}/snapshots`, { body: { name: 'taken' } }],
  ListDatasetSnapshots: (t) => ['GET', `${dataset(t.arn)}/snapshots`],
  DeleteDatasetSnapshot: (t) => ['DELETE', `${dataset(t.arn)}/snapshots/spare`],
  RestoreDatasetSnapshot: (t) => ['POST', `${dataset(t.arn)}/snapshots/kept/restore`],
  CreateDatasetExport: (t) => ['POST', `${dataset(t.arn)}/exports`, { body: { format: 'MANIFEST' } }],
  CreateAgentCoreDatasetExport: (t) => ['POST', `/_trove/api/agentcore/datasets/${t.datasetId}/exports`, { body: { format: 'JSONL' } }],
  StartDatasetImport: (t) => ['POST', `${dataset(t.arn)}/imports`, { body: { format: 'COCO', source: 's3://photos/coco.json' } }],
  UploadDatasetImport: (t) => ['POST', `${dataset(t.arn)}/uploads`, {
    query: { format: 'COCO', name: 'coco.json' }, bytes: { data: Buffer.from(COCO), contentType: 'application/json' },
  }],
  GetDatasetEntriesPageToken: (t) => ['POST', '/_trove/api/rekognition/entries-page-token', { body: { datasetArn: t.arn, position: 0, sourceRefContains: 'a.png' } }],
  GetDatasetErrorCounts: (t) => ['GET', `${dataset(t.arn)}/error-counts`],
  UpdateDatasetEntriesIfUnchanged: (t) => ['POST', '/_trove/api/rekognition/update-entries-if-unchanged', {
    body: {
      datasetArn: t.arn, changes: { groundTruth: Buffer.from(classificationLine('s3://photos/a.png', 'dog')).toString('base64') },
      expected: [{ sourceRef: 's3://photos/a.png', version: '0'.repeat(64) }],
    },
  }],
  ListWritableBuckets: () => ['GET', '/_trove/api/buckets/writable'],
  UploadImage: () => ['PUT', '/_trove/api/images', { query: { bucket: 'photos', key: 'uploaded.png' }, bytes: { data: png(64, 64), contentType: 'image/png' } }],
  ListJobs: () => ['GET', '/_trove/api/jobs'],
  // Job ids, not datasets: test/integration/operations/job-control.test.ts attacks them with real jobs.
  RetryJob: () => ['POST', '/_trove/api/jobs/1/retry'],
  CancelJob: () => ['POST', '/_trove/api/jobs/1/cancel'],
};

/** Operations that name no dataset: another account gets its own (empty) answer or its own refusal, never the owner's data. */
const NAMES_NO_DATASET = new Set<TroveOperationName>(['GetCallerIdentity', 'ListWritableBuckets', 'UploadImage', 'ListJobs', 'RetryJob', 'CancelJob']);

async function outcome(call: Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: TroveApiCallError }> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    expect(error).toBeInstanceOf(TroveApiCallError);
    return { ok: false, error: error as TroveApiCallError };
  }
}

describe('the permission test covers every operation', () => {
  it('lists a request for each operation of the Trove API, and what each amounts to', () => {
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(httpBindings).sort());
    expect(Object.keys(AWS_ACTIONS).sort()).toEqual(Object.keys(httpBindings).sort());
  });
});

describe.each(BACKENDS)('Trove API: tenancy and the AWS actions behind each operation (%s)', (backend) => {
  let server: TestServer;
  let target: Target;
  let client: (credentials: { accessKeyId: string; secretAccessKey: string }) => TroveApiClient;
  let owner: TroveApiClient;
  let stranger: TroveApiClient;
  let troveOnly: TroveApiClient;

  beforeAll(async () => {
    server = await startServer({ backend });
    client = (credentials) => new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials });
    putObject(server, 'photos', 'a.png', png(64, 64));
    putObject(server, 'photos', 'coco.json', COCO);
    const ownerKey = await server.createCredential({ account: OWNER });
    await server.trove.buckets.create('photos', OWNER);
    owner = client(ownerKey);
    stranger = client(await server.createCredential({ account: STRANGER }));
    // Every trove: action, the object store, and of the AWS APIs only what describes.
    troveOnly = client(await server.createCredential({
      account: OWNER, allowActions: ['trove:*', 's3:GetObject', 's3:PutObject', 'rekognition:Describe*', 'bedrock-agentcore:GetDataset'],
    }));
    const rekognition = server.rekognition({ credentials: ownerKey });
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/a.png', 'cat')]);
    for (const name of ['kept', 'spare']) await owner.call('POST', `${dataset(arn)}/snapshots`, { body: { name } });
    const agentcore = server.agentcore({ credentials: ownerKey });
    const { datasetId } = await agentcore.send(new CreateAgentCoreDataset({
      datasetName: `permissions_${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: [predefined('s')] } },
    }));
    await acSettled(agentcore, datasetId!);
    target = { arn, datasetId: datasetId! };
  });
  afterAll(async () => server?.close());

  it('another account naming the dataset gets ResourceNotFoundException from every operation, never data', async () => {
    for (const name of Object.keys(CALLS) as TroveOperationName[]) {
      if (NAMES_NO_DATASET.has(name)) continue;
      const [method, path, options] = CALLS[name](target);
      const result = await outcome(stranger.call(method, path, options));
      expect(result.ok ? 'answered' : [result.error.status, result.error.code], name).toEqual([404, 'ResourceNotFoundException']);
    }
    // The operations that name no dataset answer the stranger about its own account only.
    expect(await stranger.call('GET', '/_trove/api/jobs')).toEqual({ jobs: [] });
    expect(await stranger.call('GET', '/_trove/api/buckets/writable')).toEqual({ buckets: [], anyBucket: false });
    const [method, path, options] = CALLS.UploadImage(target);
    const upload = await outcome(stranger.call(method, path, options));
    expect(upload.ok ? 'written' : [upload.error.status, upload.error.code]).toEqual([403, 'AccessDeniedException']);
  });

  it('a key allowed trove:* but not the AWS actions an operation amounts to is refused, naming the missing action', async () => {
    const seen: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const name of Object.keys(CALLS) as TroveOperationName[]) {
      if (UNRESTRICTED_OPERATIONS.has(name)) continue;
      const [method, path, options] = CALLS[name](target);
      const result = await outcome(troveOnly.call(method, path, options));
      const missing = AWS_ACTIONS[name].find((action) => !/^(rekognition:Describe|bedrock-agentcore:GetDataset$)/.test(action));
      const denied = !result.ok && result.error.code === 'AccessDeniedException';
      // What needs no other action may still fail for its own reasons, never for a missing action.
      seen[name] = denied ? `denied${result.error.message.includes(missing ?? '-') ? `: ${missing}` : ''}` : 'not denied';
      expected[name] = missing ? `denied: ${missing}` : 'not denied';
    }
    expect(seen).toEqual(expected);
  });

  it('the refused restore, imports and conditional change left the dataset as it was, and nothing staged', async () => {
    const owned = server.rekognition({ credentials: owner.target.credentials });
    expect(await settled(owned, target.arn)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 1 } });
    const { revisions } = await owner.call<{ revisions: { operation: string }[] }>('GET', `${dataset(target.arn)}/revisions`);
    expect(revisions.map((revision) => revision.operation)).toEqual(['UpdateDatasetEntries', 'CreateDataset']);
    expect(await server.trove.store.importUploads.tally()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('each refusal names the action and the dataset for a key limited to another dataset', async () => {
    const elsewhere = client(await server.createCredential({
      account: OWNER, allowResources: ['arn:aws:rekognition:*:111111111111:project/elsewhere/*'],
    }));
    for (const name of ['RestoreDatasetSnapshot', 'CreateDatasetExport', 'DiffDatasetRevisions'] as const) {
      const [method, path, options] = CALLS[name](target);
      const result = await outcome(elsewhere.call(method, path, options));
      expect(result.ok ? 'answered' : [result.error.status, result.error.code], name).toEqual([403, 'AccessDeniedException']);
      if (!result.ok) expect(result.error.message).toContain(target.arn);
    }
  });
});
