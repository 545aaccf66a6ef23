import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { putObject } from '../../harness/console-fixtures.js';
import { GIF, png } from '../../harness/images.js';
import { picture } from '../../harness/pictures.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { presignRequest, send, signRequest } from '../../harness/sigv4.js';
import type { RawResponse, SigningInput } from '../../harness/sigv4.js';

const LOCAL = { accessKeyId: 'test', secretAccessKey: 'test' };
const PATH = '/_trove/images';

/** GET /_trove/images presigned exactly as the console does (service rekognition, query form). */
async function presignedGet(server: TestServer, query: Array<[string, string]>, signing: Partial<SigningInput> = {}, expiresIn = 3600): Promise<RawResponse> {
  const request = await presignRequest(server.url, { method: 'GET', path: PATH, query, headers: {} }, { ...LOCAL, service: 'rekognition', expiresIn, ...signing });
  return send(server.url, request);
}

describe.each(BACKENDS)('GET /_trove/images: entry images for the console (%s)', (backend) => {
  let server: TestServer;
  let datasetArn: string;
  const image = picture(160, 120, [{ left: 20, top: 20, width: 60, height: 60, hue: 340 }]);
  const refs = { ok: '', gif: '', missing: '', huge: '', outside: '', photo: '' };
  /** A phone photo: 2400 × 1600 stored, EXIF orientation 6 (viewers turn it to portrait). */
  let photo: Buffer;

  beforeAll(async () => {
    server = await startServer({ backend });
    const client = server.rekognition();
    refs.ok = putObject(server.dataDir, 'pics', 'tulip.png', image);
    refs.gif = putObject(server.dataDir, 'pics', 'moving.gif', GIF);
    refs.huge = putObject(server.dataDir, 'pics', 'huge.png', png(100, 100, { padding: 16 * 1024 * 1024 }));
    refs.missing = 's3://pics/not-there.png';
    photo = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#3a7' } })
      .composite([{ input: Buffer.from('<svg width="2400" height="1600"><circle cx="600" cy="800" r="500" fill="#e33"/></svg>') }])
      .jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer();
    refs.photo = putObject(server.dataDir, 'pics', 'phone.jpg', photo);
    // In the store but in no entry: the route must not serve it.
    refs.outside = putObject(server.dataDir, 'pics', 'secret.png', image);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'pics' }));
    ({ DatasetArn: datasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string });
    await settled(client, datasetArn);
    // Images the checks reject count toward AWS's 20% rule: enough good ones keep the change.
    const good = Array.from({ length: 12 }, (_, i) => putObject(server.dataDir, 'pics', `more-${i}.png`, image));
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn: datasetArn, Changes: { GroundTruth: lines(...[refs.ok, refs.gif, refs.missing, refs.huge, refs.photo, ...good].map((ref) => classificationLine(ref, 'tulip'))) },
    }));
    expect((await settled(client, datasetArn)).DatasetStats).toMatchObject({ TotalEntries: 17, ErrorEntries: 3 });
  });
  afterAll(async () => server?.close());

  const q = (sourceRef: string, arn = datasetArn): Array<[string, string]> => [['datasetArn', arn], ['sourceRef', sourceRef]];

  it('streams the image of an entry with its type and caching headers', async () => {
    const response = await presignedGet(server, q(refs.ok));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-length']).toBe(String(image.length));
    expect(response.headers['cache-control']).toBe('private, max-age=3600');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    // The same URL as the console builds it (encodeURIComponent), fetched as an <img> would.
    const signed = await presignRequest(server.url, { method: 'GET', path: PATH, query: q(refs.ok), headers: {} }, { ...LOCAL, service: 'rekognition', expiresIn: 60 });
    const url = `${server.url}${PATH}?${signed.query!.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')}`;
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(bytes.equals(image)).toBe(true);
  });

  it('serves thumbnails (size=N): smaller than the original, pixels as stored, after the same checks', async () => {
    const response = await presignedGet(server, [...q(refs.photo), ['size', '320']]);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/webp');
    expect(response.headers['cache-control']).toBe('private, max-age=3600');
    const bytes = response.body;
    expect(bytes.length).toBeLessThan(photo.length / 10);
    const meta = await sharp(bytes).metadata();
    // Fits 320 × 320, and keeps the stored (landscape) grid: EXIF orientation is neither applied nor copied.
    expect([meta.width, meta.height, meta.orientation]).toEqual([320, 213, undefined]);
    // A second request is served from the cache: the same bytes.
    expect((await presignedGet(server, [...q(refs.photo), ['size', '320']])).body.equals(bytes)).toBe(true);
    // Never enlarged: an image that already fits comes as it is.
    const small = await presignedGet(server, [...q(refs.ok), ['size', '1024']]);
    expect([small.headers['content-type'], small.body.equals(image)]).toEqual(['image/png', true]);

    for (const size of ['0', '31', '1025', '12.5', 'big']) {
      const bad = await presignedGet(server, [...q(refs.ok), ['size', size]]);
      expect([bad.status, bad.json().code], size).toEqual([400, 'ValidationException']);
    }
    expect((await presignedGet(server, [...q(refs.outside), ['size', '320']])).status).toBe(404);
    expect((await presignedGet(server, [...q(refs.gif), ['size', '320']])).status).toBe(415);
  });

  it('accepts a request signed in the Authorization header too', async () => {
    const signed = await signRequest(server.url, { method: 'GET', path: PATH, query: q(refs.ok), headers: {} }, { ...LOCAL, service: 'rekognition' });
    const response = await send(server.url, signed);
    expect(response.status).toBe(200);
  });

  it('refuses unsigned, mis-signed, altered, expired and wrongly scoped requests with 403 and the SigV4 error', async () => {
    const unsigned = await send(server.url, { method: 'GET', path: PATH, query: q(refs.ok), headers: {} });
    expect(unsigned.status).toBe(403);
    expect(unsigned.json()).toMatchObject({ code: 'MissingAuthenticationTokenException' });

    const wrongSecret = await presignedGet(server, q(refs.ok), { secretAccessKey: 'not-test' });
    expect([wrongSecret.status, wrongSecret.json().code]).toEqual([403, 'InvalidSignatureException']);

    // Signed for one image, sent for another: the query is part of what is signed.
    const signed = await presignRequest(server.url, { method: 'GET', path: PATH, query: q(refs.ok), headers: {} }, { ...LOCAL, service: 'rekognition', expiresIn: 60 });
    const altered = await send(server.url, { ...signed, query: signed.query!.map(([n, v]) => [n, n === 'sourceRef' ? refs.gif : v] as [string, string]) });
    expect([altered.status, altered.json().code]).toEqual([403, 'InvalidSignatureException']);

    const expired = await presignedGet(server, q(refs.ok), { signingDate: new Date(Date.now() - 120_000) }, 60);
    expect(expired.status).toBe(403);
    expect(String(expired.json().message)).toMatch(/^Request has expired/);

    const otherService = await presignedGet(server, q(refs.ok), { service: 'bedrock-agentcore' });
    expect([otherService.status, otherService.json().code]).toEqual([403, 'InvalidSignatureException']);
  });

  it('serves only source-refs of the dataset\'s entries, never other objects of the store', async () => {
    const response = await presignedGet(server, q(refs.outside));
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ code: 'ResourceNotFoundException', message: `The dataset ${datasetArn} has no entry with the source-ref ${refs.outside}.` });
    const traversal = await presignedGet(server, q('s3://pics/../pics/tulip.png'));
    expect(traversal.status).toBe(404);
  });

  it('explains why an entry\'s object cannot be shown', async () => {
    const gif = await presignedGet(server, q(refs.gif));
    expect(gif.status).toBe(415);
    expect(gif.json()).toEqual({ code: 'UnsupportedImage', message: `${refs.gif} is a GIF image; only PNG and JPEG images are shown.` });
    const missing = await presignedGet(server, q(refs.missing));
    expect([missing.status, missing.json().code]).toEqual([404, 'NoSuchKey']);
    const huge = await presignedGet(server, q(refs.huge));
    expect([huge.status, huge.json().code]).toEqual([413, 'ImageTooLarge']);
    const unknownDataset = await presignedGet(server, q(refs.ok, datasetArn.replace(/\d+$/, '1')));
    expect([unknownDataset.status, unknownDataset.json().code]).toEqual([404, 'ResourceNotFoundException']);
    const incomplete = await presignedGet(server, [['datasetArn', datasetArn]]);
    expect([incomplete.status, incomplete.json().code]).toEqual([400, 'ValidationException']);
  });

  describe('with credentials', () => {
    it('checks the account and the allow-lists (ListDatasetEntries on the dataset)', async () => {
      const owner = '000000000000';
      const projectPattern = `arn:aws:rekognition:*:${owner}:project/pics/*`;
      const other = await server.createCredential({ account: '222222222222' });
      const agentcoreOnly = await server.createCredential({ account: owner, allowActions: ['bedrock-agentcore:*'] });
      const otherProject = await server.createCredential({ account: owner, allowActions: ['rekognition:ListDatasetEntries'], allowResources: [`arn:aws:rekognition:*:${owner}:project/other/*`] });
      const reader = await server.createCredential({
        account: owner, allowActions: ['rekognition:List*', 's3:GetObject'], allowResources: [projectPattern, 'arn:aws:s3:::pics/*'],
      });
      const noObjects = await server.createCredential({ account: owner, allowActions: ['rekognition:List*'], allowResources: [projectPattern] });
      const as = (key: { accessKeyId: string; secretAccessKey: string }) => ({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
      // Once credentials exist, a bucket is read only by its owner (and accounts granted access).
      const unowned = await presignedGet(server, q(refs.ok), as(reader));
      expect(unowned.json()).toEqual({ code: 'NoSuchKey', message: `${refs.ok} does not exist or this account may not read it.` });
      await server.trove.buckets.create('pics', owner);

      const foreign = await presignedGet(server, q(refs.ok), as(other));
      expect([foreign.status, foreign.json().code]).toEqual([404, 'ResourceNotFoundException']);
      const denied = await presignedGet(server, q(refs.ok), as(agentcoreOnly));
      expect([denied.status, denied.json().code]).toEqual([403, 'AccessDeniedException']);
      expect(String(denied.json().message)).toContain('rekognition:ListDatasetEntries');
      const wrongResource = await presignedGet(server, q(refs.ok), as(otherProject));
      expect([wrongResource.status, wrongResource.json().code]).toEqual([403, 'AccessDeniedException']);
      const allowed = await presignedGet(server, q(refs.ok), as(reader));
      expect(allowed.status).toBe(200);
      // Reading the object needs s3:GetObject on it too, when the credential has allow-lists.
      const noGetObject = await presignedGet(server, q(refs.ok), as(noObjects));
      expect([noGetObject.status, noGetObject.json().code]).toEqual([403, 'AccessDeniedException']);
      expect(String(noGetObject.json().message)).toMatch(/^s3:\/\/pics\/tulip.png: Access key TROV\w+ is not authorized to perform: s3:GetObject/);
      // Once a credential exists the local pair is refused here as everywhere.
      const local = await presignedGet(server, q(refs.ok));
      expect([local.status, local.json().code]).toEqual([403, 'UnrecognizedClientException']);
    });
  });
});
