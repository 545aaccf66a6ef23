import {
  AddDatasetExamplesCommand, CreateDatasetCommand as CreateAcDatasetCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateDatasetCommand, CreateProjectCommand, DescribeProjectsCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putObject } from '../../harness/console-fixtures.js';
import { inline, predefinedBatch, settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { png } from '../../harness/images.js';
import { datasetFromManifest, statusCode } from '../../harness/manifests.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { sdkFailure } from '../../harness/sdk-failure.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { presignRequest, send } from '../../harness/sigv4.js';

// Object-store tenancy (issue 11 §1): every path that reads an s3:// object — a Ground Truth
// manifest, the image checks, the console's images, AgentCore s3Source — reads only buckets the
// caller's account owns or was granted, and only objects its credential's allow-lists give it
// s3:GetObject on. Two accounts, on both backends, on the folder store and on S3 (s3rver, where
// Trove reads everything with its own S3 credentials: the confused deputy).

const A = '111111111111';
const B = '222222222222';
const IMAGE = png(128, 96);
const jsonl = (examples: unknown[]) => `${examples.map((e) => JSON.stringify(e)).join('\n')}\n`;
const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
const SAME_AS_MISSING = 'The image is invalid. Check S3 path and/or image properties. The object does not exist or this account may not read it.';

type Store = 'folder' | 's3';
const COMBINATIONS = BACKENDS.flatMap((backend) => (['folder', 's3'] as const).map((store) => [backend, store] as const));

interface Keys { accessKeyId: string; secretAccessKey: string }

describe.each(COMBINATIONS)('object-store tenancy (%s, %s store)', (backend, storeKind: Store) => {
  let s3: TestS3 | undefined;
  let server: TestServer;
  let keys: Record<'a' | 'b' | 'aNoS3' | 'aPrefix', Keys>;
  let names = 0;
  const put = async (bucket: string, key: string, body: Uint8Array | string) => {
    if (s3) await s3.put(bucket, key, body);
    else putObject(server.dataDir, bucket, key, Buffer.from(body));
  };
  const rekognition = (who: Keys) => server.rekognition({ credentials: who, maxAttempts: 1 });
  const agentcore = (who: Keys) => server.agentcore({ credentials: who, maxAttempts: 1 });
  const newProject = async (client: RekognitionClient) =>
    (await client.send(new CreateProjectCommand({ ProjectName: `p${++names}` }))).ProjectArn!;
  const fromManifest = (ProjectArn: string, Bucket: string, Name: string) =>
    new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket, Name } } } });
  const fromS3 = (client: BedrockAgentCoreControlClient, uri: string) =>
    client.send(new CreateAcDatasetCommand({ datasetName: `ac_${++names}`, schemaType: PREDEFINED, source: { s3Source: { s3Uri: uri } } }));

  beforeAll(async () => {
    if (storeKind === 's3') {
      s3 = await startS3();
      for (const bucket of ['bucket-of-a', 'bucket-of-b', 'orphan']) await s3.createBucket(bucket);
    }
    server = await startServer({
      backend,
      ...(s3 ? { objectStore: { mode: 's3' as const, s3: { endpoint: s3.endpoint, region: 'us-east-1', ...S3RVER_CREDENTIALS } } } : {}),
    });
    keys = {
      a: await server.createCredential({ account: A }),
      b: await server.createCredential({ account: B }),
      aNoS3: await server.createCredential({ account: A, allowActions: ['rekognition:*', 'bedrock-agentcore:*'] }),
      aPrefix: await server.createCredential({
        account: A, allowResources: ['arn:aws:rekognition:*', 'arn:aws:bedrock-agentcore:*', 'arn:aws:s3:::bucket-of-a/allowed/*'],
      }),
    };
    await server.trove.buckets.create('bucket-of-a', A);
    await server.trove.buckets.create('bucket-of-b', B);
    const good = (bucket: string, prefix: string, n: number) => Array.from({ length: n }, (_, i) => classificationLine(`s3://${bucket}/${prefix}${i}.png`, 'cat'));
    await Promise.all([
      ...Array.from({ length: 16 }, (_, i) => put('bucket-of-a', `own${i}.png`, IMAGE)),
      ...Array.from({ length: 5 }, (_, i) => put('bucket-of-b', `b${i}.png`, IMAGE)),
      put('bucket-of-a', 'allowed/photo0.png', IMAGE),
      put('bucket-of-b', 'private-photo.png', IMAGE),
      put('bucket-of-b', 'private.manifest', lines(...good('bucket-of-b', 'b', 5))),
      put('bucket-of-b', 'examples.jsonl', jsonl(predefinedBatch(3, 'secret'))),
      put('bucket-of-a', 'own.manifest', lines(...good('bucket-of-a', 'own', 3))),
      put('bucket-of-a', 'examples.jsonl', jsonl(predefinedBatch(2, 'mine'))),
      put('bucket-of-a', 'allowed/x.manifest', lines(...good('bucket-of-a', 'allowed/photo', 1))),
      put('bucket-of-a', 'other/x.manifest', lines(...good('bucket-of-a', 'own', 1))),
      put('orphan', 'o.manifest', lines(...good('orphan', 'o', 1))),
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('CreateDataset from another account\'s (or an ownerless) manifest: InvalidS3ObjectException naming the bucket, nothing created', async () => {
    const a = rekognition(keys.a);
    const project = await newProject(a);
    for (const [bucket, key] of [['bucket-of-b', 'private.manifest'], ['bucket-of-b', 'no-such.manifest'], ['orphan', 'o.manifest']]) {
      const error = await sdkFailure(a.send(fromManifest(project, bucket, key)));
      expect({ name: error.name, status: error.status }).toEqual({ name: 'InvalidS3ObjectException', status: 400 });
      // The same answer whether the object exists or not, naming the bucket and never a server path.
      expect(error.message).toBe(`Unable to get object metadata from S3. Check object key, region and/or access permissions. (access denied: s3://${bucket}/${key}: `
        + `Access Denied: account ${A} may not read objects of the bucket ${bucket} (it is not the bucket's owner and has no grant on it).)`);
    }
    const { ProjectDescriptions } = await a.send(new DescribeProjectsCommand({ ProjectNames: [project.split('/')[1]] }));
    expect(ProjectDescriptions?.[0].Datasets ?? []).toEqual([]);
    // The owner reads its own manifest.
    const { description } = await datasetFromManifest(rekognition(keys.b), 'bucket-of-b', 'private.manifest');
    expect(description).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: 5, ErrorEntries: 0 } });
  });

  it('source-refs into another account\'s bucket are invalid images, exactly like missing ones, and the console route does not serve them', async () => {
    const a = rekognition(keys.a);
    const { DatasetArn } = await a.send(new CreateDatasetCommand({ ProjectArn: await newProject(a), DatasetType: 'TRAIN' }));
    await settled(a, DatasetArn!);
    const foreign = ['s3://bucket-of-b/private-photo.png', 's3://bucket-of-b/absent.png', 's3://orphan/whatever.png', 's3://bucket-of-a/absent.png'];
    await a.send(new UpdateDatasetEntriesCommand({
      DatasetArn, Changes: { GroundTruth: lines(...foreign.map((ref) => classificationLine(ref, 'cat')), ...Array.from({ length: 16 }, (_, i) => classificationLine(`s3://bucket-of-a/own${i}.png`, 'cat'))) },
    }));
    expect((await settled(a, DatasetArn!)).DatasetStats).toMatchObject({ TotalEntries: 20, ErrorEntries: 4 });
    const errors = Object.fromEntries((await allEntries(a, { DatasetArn, HasErrors: true })).map((e) => [e['source-ref'], e['cl-errors']]));
    expect(errors).toEqual(Object.fromEntries(foreign.map((ref) => [ref, [{ code: 'ERROR_INVALID_IMAGE', message: SAME_AS_MISSING }]])));

    const image = async (sourceRef: string) => {
      const request = await presignRequest(server.url, { method: 'GET', path: '/_trove/images', query: [['datasetArn', DatasetArn!], ['sourceRef', sourceRef]], headers: {} },
        { ...keys.a, service: 'rekognition', expiresIn: 60 });
      return send(server.url, request);
    };
    for (const ref of foreign) {
      const response = await image(ref);
      expect({ ref, status: response.status, body: response.json() }).toEqual({ ref, status: 404, body: { code: 'NoSuchKey', message: `${ref} does not exist or this account may not read it.` } });
    }
    expect((await image('s3://bucket-of-a/own0.png')).status).toBe(200);
  });

  it('AgentCore s3Source of another account\'s file: AccessDeniedException naming the object', async () => {
    const a = agentcore(keys.a);
    const created = await sdkFailure(fromS3(a, 's3://bucket-of-b/examples.jsonl'));
    expect({ name: created.name, status: created.status }).toEqual({ name: 'AccessDeniedException', status: 403 });
    expect(created.message).toMatch(/^s3:\/\/bucket-of-b\/examples\.jsonl: Access Denied: account 111111111111 may not read objects of the bucket bucket-of-b/);
    const { datasetId } = await a.send(new CreateAcDatasetCommand({ datasetName: `ac_${++names}`, schemaType: PREDEFINED, source: inline(predefinedBatch(1)) }));
    await acSettled(a, datasetId!);
    const added = await sdkFailure(a.send(new AddDatasetExamplesCommand({ datasetId, source: { s3Source: { s3Uri: 's3://orphan/nothing.jsonl' } } })));
    expect(added.name).toBe('AccessDeniedException');
    expect(await acSettled(a, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 1 });
    // The owner imports it.
    const b = agentcore(keys.b);
    const own = await fromS3(b, 's3://bucket-of-b/examples.jsonl');
    expect(await acSettled(b, own.datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
  });

  it('keys with . or .. segments name no object on either store (an S3 server resolved them into another bucket)', async () => {
    // s3rver (and proxies that normalise paths) read GET /bucket-of-a/../bucket-of-b/x as bucket-of-b's x,
    // after Trove had decided the read on bucket-of-a: every path would have read B's objects as A.
    const a = rekognition(keys.a);
    const project = await newProject(a);
    for (const key of ['../bucket-of-b/private.manifest', 'x/../../bucket-of-b/private.manifest', './own.manifest']) {
      const error = await sdkFailure(a.send(fromManifest(project, 'bucket-of-a', key)));
      expect({ key, name: error.name }).toEqual({ key, name: 'InvalidS3ObjectException' });
      expect(error.message).toContain('no such object');
    }
    const { DatasetArn } = await a.send(new CreateDatasetCommand({ ProjectArn: project, DatasetType: 'TRAIN' }));
    await settled(a, DatasetArn!);
    const dotted = 's3://bucket-of-a/../bucket-of-b/private-photo.png';
    await a.send(new UpdateDatasetEntriesCommand({
      DatasetArn, Changes: { GroundTruth: lines(classificationLine(dotted, 'cat'), ...Array.from({ length: 8 }, (_, i) => classificationLine(`s3://bucket-of-a/own${i}.png`, 'cat'))) },
    }));
    expect((await settled(a, DatasetArn!)).DatasetStats).toMatchObject({ TotalEntries: 9, ErrorEntries: 1 });
    const [entry] = await allEntries(a, { DatasetArn, HasErrors: true });
    expect(entry['cl-errors']).toEqual([{ code: 'ERROR_INVALID_IMAGE', message: SAME_AS_MISSING }]);
    const request = await presignRequest(server.url, { method: 'GET', path: '/_trove/images', query: [['datasetArn', DatasetArn!], ['sourceRef', dotted]], headers: {} },
      { ...keys.a, service: 'rekognition', expiresIn: 60 });
    expect((await send(server.url, request)).status).toBe(404);
    const ac = agentcore(keys.a);
    const { datasetId } = await fromS3(ac, 's3://bucket-of-a/../bucket-of-b/examples.jsonl');
    expect(await acSettled(ac, datasetId!)).toMatchObject({ status: 'CREATE_FAILED', failureReason: expect.stringContaining('does not exist') });
  });

  it('a grant lets another account read, up to its revocation; a revocation between accept and job run fails the job', async () => {
    const a = rekognition(keys.a);
    const ac = agentcore(keys.a);
    await server.trove.buckets.grant('bucket-of-b', A, 'read');
    const { description } = await datasetFromManifest(a, 'bucket-of-b', 'private.manifest');
    expect(description).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: 5, ErrorEntries: 0 } });
    expect(await acSettled(ac, (await fromS3(ac, 's3://bucket-of-b/examples.jsonl')).datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });

    // Accepted while granted; the grant is gone when the jobs run: they read as the caller, now.
    server.trove.runner.pause();
    const { DatasetArn } = await a.send(fromManifest(await newProject(a), 'bucket-of-b', 'private.manifest'));
    const { datasetId } = await fromS3(ac, 's3://bucket-of-b/examples.jsonl');
    await server.trove.buckets.revoke('bucket-of-b', A);
    server.trove.runner.resume();
    const failed = await settled(a, DatasetArn!);
    expect([failed.Status, failed.StatusMessageCode, statusCode(failed)]).toEqual(['CREATE_FAILED', 'CLIENT_ERROR', 'ERROR_INVALID_PERMISSIONS_MANIFEST_S3_BUCKET']);
    expect(failed.StatusMessage).toContain('s3://bucket-of-b/private.manifest');
    const acFailed = await acSettled(ac, datasetId!);
    expect(acFailed.status).toBe('CREATE_FAILED');
    expect(acFailed.failureReason).toMatch(/^Access to s3:\/\/bucket-of-b\/examples\.jsonl was denied: /);
    expect(await server.trove.buckets.canRead(A, 'bucket-of-b')).toBe(false);
  });

  it('a credential\'s allow-lists govern objects too: s3:GetObject on arn:aws:s3:::bucket/key', async () => {
    const noS3 = rekognition(keys.aNoS3);
    const denied = await sdkFailure(noS3.send(fromManifest(await newProject(noS3), 'bucket-of-a', 'own.manifest')));
    expect({ name: denied.name, status: denied.status }).toEqual({ name: 'AccessDeniedException', status: 400 });
    expect(denied.message).toBe(`s3://bucket-of-a/own.manifest: Access key ${keys.aNoS3.accessKeyId} is not authorized to perform: s3:GetObject, because its allow-list of actions does not include it.`);
    const acDenied = await sdkFailure(fromS3(agentcore(keys.aNoS3), 's3://bucket-of-a/examples.jsonl'));
    expect({ name: acDenied.name, status: acDenied.status }).toEqual({ name: 'AccessDeniedException', status: 403 });

    const prefixed = rekognition(keys.aPrefix);
    const { description } = await datasetFromManifest(prefixed, 'bucket-of-a', 'allowed/x.manifest');
    expect(description).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: 1, ErrorEntries: 0 } });
    const outside = await sdkFailure(prefixed.send(fromManifest(await newProject(prefixed), 'bucket-of-a', 'other/x.manifest')));
    expect(outside.name).toBe('AccessDeniedException');
    expect(outside.message).toContain('s3:GetObject on resource: arn:aws:s3:::bucket-of-a/other/x.manifest');
    // The same credential's account reads other/ with a key that has no allow-lists.
    expect((await datasetFromManifest(rekognition(keys.a), 'bucket-of-a', 'other/x.manifest')).description.Status).toBe('CREATE_COMPLETE');
  });
});

describe.each(BACKENDS)('local use: no credentials (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
    putObject(server.dataDir, 'someones', 'a.png', IMAGE);
    putObject(server.dataDir, 'someones', 'a.manifest', Buffer.from(lines(classificationLine('s3://someones/a.png', 'cat'))));
    putObject(server.dataDir, 'unregistered', 'b.manifest', Buffer.from(lines(classificationLine('s3://someones/a.png', 'cat'))));
    await server.trove.buckets.create('someones', B);
  });
  afterAll(async () => server?.close());

  it('the local test/test pair reads every bucket of the bucket folder, owned or not, as before', async () => {
    const client = server.rekognition();
    for (const [bucket, key] of [['someones', 'a.manifest'], ['unregistered', 'b.manifest']]) {
      const { description } = await datasetFromManifest(client, bucket, key);
      expect(description).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: 1, ErrorEntries: 0 } });
    }
  });
});
