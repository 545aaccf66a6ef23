import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { GIF, jpeg, png } from '../../harness/images.js';
import { allEntries, settled } from '../../harness/rekognition.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { send, signRequest } from '../../harness/sigv4.js';
import { troveApiRejection as rejection } from '../../harness/trove-api.js';

// UploadImage and ListWritableBuckets (docs/trove-api.md, docs/object-storage.md): images from a
// person's computer go into a bucket the caller's account may write, and become entries.

const MAX = 15 * 1024 * 1024;
type Credentials = { accessKeyId: string; secretAccessKey: string };
const api = (server: TestServer, credentials: Credentials = TEST_CREDENTIALS) => new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials });
const upload = (client: TroveApiClient, bucket: string, key: string, data: Uint8Array, overwrite?: boolean) =>
  client.call<{ s3Uri: string; format: string; width: number; height: number; size: number }>('PUT', '/_trove/api/images', {
    query: { bucket, key, overwrite }, bytes: { data, contentType: 'application/octet-stream' },
  });

describe.each(BACKENDS)('UploadImage into the folder store (%s)', (backend) => {
  let server: TestServer;
  let buckets: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    buckets = join(server.dataDir, 'buckets');
    mkdirSync(join(buckets, 'existing'));
  });
  afterAll(async () => server?.close());

  it('writes a PNG or JPEG whole, says what it is, and keeps an existing object unless told to replace it', async () => {
    const client = api(server);
    expect(await upload(client, 'photos', 'train/cat.png', png(320, 200))).toEqual({ s3Uri: 's3://photos/train/cat.png', format: 'PNG', width: 320, height: 200, size: png(320, 200).length });
    expect(readFileSync(join(buckets, 'photos', 'train', 'cat.png'))).toEqual(png(320, 200));
    expect(await upload(client, 'photos', 'dog.jpg', jpeg(640, 480))).toMatchObject({ format: 'JPEG', width: 640, height: 480 });

    const again = await rejection(upload(client, 'photos', 'train/cat.png', png(100, 100)));
    expect([again.status, again.code]).toEqual([409, 'ConflictException']);
    expect(readFileSync(join(buckets, 'photos', 'train', 'cat.png'))).toEqual(png(320, 200));
    await upload(client, 'photos', 'train/cat.png', png(100, 100), true);
    expect(readFileSync(join(buckets, 'photos', 'train', 'cat.png'))).toEqual(png(100, 100));
    // No temporary file is left beside the objects.
    expect(readdirSync(join(buckets, 'photos', 'train'))).toEqual(['cat.png']);
  });

  it('refuses what is not a whole PNG or JPEG of at most 15 MB, by its bytes', async () => {
    const client = api(server);
    for (const [bytes, words] of [
      [GIF, 'a GIF image'], [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'not a PNG or JPEG'], [png(300, 300).subarray(0, 60), 'truncated'],
    ] as const) {
      const refused = await rejection(upload(client, 'photos', 'x.png', bytes));
      expect([refused.status, refused.code]).toEqual([400, 'ValidationException']);
      expect(refused.message).toContain(words);
    }
    const empty = await rejection(upload(client, 'photos', 'x.png', Buffer.alloc(0)));
    expect(empty.code).toBe('ValidationException');
    expect(await upload(client, 'photos', 'just-fits.png', png(64, 64, { padding: MAX - png(64, 64).length - 12 }))).toMatchObject({ size: MAX });
    const big = await rejection(upload(client, 'photos', 'big.png', png(64, 64, { padding: MAX })));
    expect([big.status, big.code]).toEqual([400, 'ValidationException']);
    expect(big.message).toContain(`${MAX} bytes`);
    expect(existsSync(join(buckets, 'photos', 'big.png'))).toBe(false);
  });

  it('refuses keys no object can have, symlinked folders and buckets, and keeps every write in its bucket', async () => {
    const client = api(server);
    for (const key of ['../escape.png', 'a/../../escape.png', 'a//b.png', '/abs.png', 'dir/', './x.png', 'a/.trove-upload-123', `${'x'.repeat(256)}.png`, 'tab\there.png']) {
      const refused = await rejection(upload(client, 'photos', key, png(64, 64)));
      expect([refused.status, refused.code], key).toEqual([400, 'ValidationException']);
    }
    mkdirSync(join(server.dataDir, 'outside'));
    symlinkSync(join(server.dataDir, 'outside'), join(buckets, 'photos', 'linked'));
    symlinkSync(join(server.dataDir, 'outside'), join(buckets, 'linked-bucket'));
    const viaLink = await rejection(upload(client, 'photos', 'linked/x.png', png(64, 64)));
    expect(viaLink.code).toBe('ValidationException');
    const linkedBucket = await rejection(upload(client, 'linked-bucket', 'x.png', png(64, 64)));
    expect([linkedBucket.status, linkedBucket.code]).toEqual([404, 'ResourceNotFoundException']);
    expect(readdirSync(join(server.dataDir, 'outside'))).toEqual([]);
    // A file where a folder of the key should be.
    writeFileSync(join(buckets, 'photos', 'plain'), 'x');
    expect((await rejection(upload(client, 'photos', 'plain/x.png', png(64, 64)))).code).toBe('ValidationException');
    // The message never names a server path.
    expect(viaLink.message).not.toContain(server.dataDir);
  });

  it('refuses a body larger than 15 MB from its Content-Length, before reading it', async () => {
    const request = await signRequest(server.url, {
      method: 'PUT', path: '/_trove/api/images', query: [['bucket', 'photos'], ['key', 'huge.png']],
      headers: { 'content-type': 'image/png', 'content-length': String(MAX + 1), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }, { ...TEST_CREDENTIALS, service: 'trove' });
    // Only the headers are sent: the answer comes without the body.
    const answer = await send(server.url, { ...request, body: undefined });
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('ValidationException');
  });

  it('lets the local pair write any bucket, and lists the bucket folders to choose from', async () => {
    const listed = await api(server).call<{ buckets: { name: string; access: string }[]; anyBucket: boolean }>('GET', '/_trove/api/buckets/writable');
    expect(listed.anyBucket).toBe(true);
    expect(listed.buckets.map((b) => b.name)).toEqual(expect.arrayContaining(['existing', 'photos']));
    expect(listed.buckets.map((b) => b.name)).not.toContain('linked-bucket');
    expect(listed.buckets.every((b) => b.access === 'local')).toBe(true);
  });

  it('turns uploaded images into entries whose image checks pass', async () => {
    const rekognition = server.rekognition();
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'uploads' }));
    const { DatasetArn } = await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(rekognition, DatasetArn!);
    const first = await upload(api(server), 'photos', 'new/one.png', png(200, 150));
    const second = await upload(api(server), 'photos', 'new/two.jpg', jpeg(300, 200));
    await rekognition.send(new UpdateDatasetEntriesCommand({
      DatasetArn, Changes: { GroundTruth: Buffer.from([first, second].map((u) => JSON.stringify({ 'source-ref': u.s3Uri })).join('\n')) },
    }));
    expect((await settled(rekognition, DatasetArn!)).DatasetStats).toMatchObject({ TotalEntries: 2, ErrorEntries: 0 });
  });

  it('writes only where the account may: its own buckets and read-write grants, within its key\'s allow-lists', async () => {
    // Created last: once a credential exists the local pair stops working on this server.
    await server.trove.buckets.create('a-pics', '111111111111');
    await server.trove.buckets.create('b-pics', '222222222222');
    await server.trove.buckets.grant('b-pics', '111111111111', 'read');
    await server.trove.buckets.create('shared', '222222222222');
    await server.trove.buckets.grant('shared', '111111111111', 'read-write');
    const key = async (allow?: { allowActions?: string[]; allowResources?: string[] }) => {
      const issued = await server.createCredential({ account: '111111111111', ...allow });
      return api(server, { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey });
    };
    const a = await key();
    expect(await a.call('GET', '/_trove/api/buckets/writable')).toEqual({
      buckets: [{ name: 'a-pics', access: 'owner' }, { name: 'shared', access: 'read-write' }], anyBucket: false,
    });
    expect(await upload(a, 'a-pics', 'x.png', png(64, 64))).toMatchObject({ s3Uri: 's3://a-pics/x.png' });
    expect(await upload(a, 'shared', 'x.png', png(64, 64))).toMatchObject({ s3Uri: 's3://shared/x.png' });
    for (const bucket of ['b-pics', 'unregistered', 'existing']) {
      const denied = await rejection(upload(a, bucket, 'x.png', png(64, 64)));
      expect([denied.status, denied.code], bucket).toEqual([403, 'AccessDeniedException']);
      expect(existsSync(join(buckets, bucket, 'x.png')), bucket).toBe(false);
    }
    // The local pair no longer writes anything.
    expect((await rejection(upload(api(server), 'existing', 'y.png', png(64, 64)))).code).toBe('UnrecognizedClientException');

    const noPut = await key({ allowActions: ['trove:*', 's3:GetObject'] });
    expect(await noPut.call('GET', '/_trove/api/buckets/writable')).toEqual({ buckets: [], anyBucket: false });
    expect((await rejection(upload(noPut, 'a-pics', 'z.png', png(64, 64)))).message).toContain('s3:PutObject');

    const trainOnly = await key({ allowActions: ['trove:*', 's3:PutObject'], allowResources: ['arn:aws:s3:::a-pics/train/*'] });
    expect(await trainOnly.call('GET', '/_trove/api/buckets/writable')).toEqual({
      buckets: [{ name: 'a-pics', access: 'owner', keyPrefixes: ['train/'] }], anyBucket: false,
    });
    expect(await upload(trainOnly, 'a-pics', 'train/ok.png', png(64, 64))).toMatchObject({ s3Uri: 's3://a-pics/train/ok.png' });
    expect((await rejection(upload(trainOnly, 'a-pics', 'test/no.png', png(64, 64)))).code).toBe('AccessDeniedException');
    expect((await rejection(upload(await key({ allowActions: ['s3:PutObject'] }), 'a-pics', 'w.png', png(64, 64)))).message).toContain('trove:UploadImage');
  });
});

describe.each(BACKENDS)('UploadImage into S3 (s3rver, %s)', (backend) => {
  let s3: TestS3;
  let server: TestServer;
  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('photos');
    server = await startServer({
      backend, objectStore: { mode: 's3', s3: { endpoint: s3.endpoint, region: 'us-east-1', ...S3RVER_CREDENTIALS } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('puts the object with PutObject and keeps an existing one unless told to replace it', async () => {
    const client = api(server);
    expect(await upload(client, 'photos', 'a/b.png', png(128, 96))).toMatchObject({ s3Uri: 's3://photos/a/b.png', width: 128 });
    const stored = await s3.client.send(new GetObjectCommand({ Bucket: 'photos', Key: 'a/b.png' }));
    expect(stored.ContentType).toBe('image/png');
    expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(png(128, 96));
    expect((await rejection(upload(client, 'photos', 'a/b.png', png(64, 64)))).code).toBe('ConflictException');
    await upload(client, 'photos', 'a/b.png', png(64, 64), true);
    expect((await rejection(upload(client, 'no-such-bucket', 'x.png', png(64, 64)))).code).toBe('ResourceNotFoundException');
    expect((await rejection(upload(client, 'photos', 'a/../x.png', png(64, 64)))).code).toBe('ValidationException');
    // S3 has no folders to list: the local pair may name any bucket.
    expect(await client.call('GET', '/_trove/api/buckets/writable')).toEqual({ buckets: [], anyBucket: true });
    const rekognition = server.rekognition();
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 's3-uploads' }));
    const { DatasetArn } = await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(rekognition, DatasetArn!);
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: Buffer.from(JSON.stringify({ 'source-ref': 's3://photos/a/b.png' })) } }));
    await settled(rekognition, DatasetArn!);
    expect(await allEntries(rekognition, { DatasetArn, HasErrors: true })).toEqual([]);
  });
});
