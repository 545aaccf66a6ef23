import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeDatasetCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import type { UploadFile } from '../../../src/client/exchange-client.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { carried, exportLink, newDataset, putObject } from '../../harness/exchange.js';
import { png } from '../../harness/images.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { allEntries, classificationLine, detectionLine, settled } from '../../harness/rekognition.js';
import { eventually, startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import { trickled } from '../../harness/uploads.js';
import type { TestServer } from '../../harness/server.js';

// UploadDatasetImport: a file sent in the request (what `bin/trove import --from ./file` does),
// staged in the store as it streams in, then imported as StartDatasetImport imports an object:
// one job, one revision, all or nothing. The CLI's side: test/integration/cli/open-formats-cli.test.ts.

const SIZE = { width: 640, height: 480 };
const path = (arn: string) => `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/uploads`;

function file(name: string, body: string | Buffer): UploadFile & { body: Buffer } {
  const bytes = Buffer.from(body);
  return {
    name, body: bytes, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
    data: (async function* () { yield bytes; })(),
  };
}

async function rejection(call: Promise<unknown>): Promise<TroveApiCallError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  return error as TroveApiCallError;
}

/** A COCO file of `count` images under --images, each with one box; images from `repeatFrom` on repeat earlier file names. */
function cocoOf(count: number, options: { repeatFrom?: number; prefix?: string } = {}): string {
  const images = Array.from({ length: count }, (_, i) => {
    const n = options.repeatFrom !== undefined && i >= options.repeatFrom ? i - options.repeatFrom : i;
    return { id: i + 1, file_name: `${options.prefix ?? 'img'}-${n}.jpg`, width: 1024, height: 768 };
  });
  const annotations = images.map((image) => ({ id: image.id, image_id: image.id, category_id: 1, bbox: [10.5, 20.25, 300, 200], iscrowd: 0, segmentation: [] }));
  return JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'widget' }] });
}

describe.each(BACKENDS)('UploadDatasetImport: a file sent in the request, imported as one job (%s)', (backend) => {
  let server: TestServer;
  let api: TroveApiClient;
  let exchange: ExchangeClient;
  const staged = () => server.trove.store.importUploads.tally();
  const revisions = async (arn: string) => (await api.call<{ revisions: { revision: number; status: string; source?: string; operation: string }[] }>(
    'GET', `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/revisions`)).revisions;

  beforeAll(async () => {
    // A request must arrive within 3 s here (a slow sender is cut off sooner than the default minute).
    server = await startServer({ backend, bodyLimits: { importUpload: 1024 * 1024 }, requestTimeoutMs: 3000 });
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    exchange = new ExchangeClient(api);
    for (const key of ['a.png', 'b.png']) putObject(server, 'photos', key, png(SIZE.width, SIZE.height));
  });
  afterAll(async () => server?.close());

  it('imports an exported COCO file sent as the body: one revision named after the upload, the same entries, nothing left staged', async () => {
    const client = server.rekognition();
    const source = await newDataset(client, [
      detectionLine('s3://photos/a.png', [{ label: 'cat', left: 10, top: 20, width: 100, height: 50 }], SIZE), classificationLine('s3://photos/b.png', 'dog'),
    ]);
    const coco = Buffer.from(await (await fetch((await exportLink(api, source, 'COCO')).url)).arrayBuffer());
    const target = await newDataset(client);
    const accepted = await exchange.uploadImport(target, 'COCO', file('flowers.json', coco));
    expect(accepted).toEqual({ datasetArn: target, revision: 2, status: 'UPDATE_IN_PROGRESS', format: 'coco', source: 'upload flowers.json' });
    expect(await settled(client, target)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 2 } });
    const entries = async (arn: string) => (await allEntries(client, { DatasetArn: arn })).map((entry) => carried(JSON.stringify(entry)));
    expect(await entries(target)).toEqual(await entries(source));
    expect((await revisions(target))[0]).toMatchObject({ revision: accepted.revision, operation: 'UpdateDatasetEntries', status: 'COMPLETE', source: 'COCO upload flowers.json' });
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('is all or nothing: a file whose second half fails leaves the dataset as it was, UPDATE_FAILED, nothing staged', async () => {
    const client = server.rekognition();
    const target = await newDataset(client, [classificationLine('s3://photos/a.png', 'cat')]);
    const before = await allEntries(client, { DatasetArn: target });
    // 600 images, then 400 repeating the first ones' names: 40% of the lines are dropped as repeated source-refs.
    await exchange.uploadImport(target, 'COCO', file('half-bad.json', cocoOf(1000, { repeatFrom: 600 })), 's3://elsewhere/');
    const failed = await settled(client, target);
    expect(failed).toMatchObject({ Status: 'UPDATE_FAILED', DatasetStats: { TotalEntries: 1 } });
    expect(failed.StatusMessage).toMatch(/^ERROR_TOO_MANY_RECORDS_IN_ERROR: .* 400 of 1000 lines are in error/);
    expect(await allEntries(client, { DatasetArn: target })).toEqual(before);
    expect((await revisions(target))[0]).toMatchObject({ status: 'FAILED', source: 'COCO upload half-bad.json' });
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('fails a file that is not COCO as an s3:// source does, and removes it', async () => {
    const client = server.rekognition();
    const target = await newDataset(client);
    await exchange.uploadImport(target, 'COCO', file('list.json', '[1, 2, 3]'));
    const failed = await settled(client, target);
    expect(failed.Status).toBe('UPDATE_FAILED');
    expect(failed.StatusMessage).toMatch(/^ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: The COCO source upload list\.json cannot be imported: .*not a JSON object/);
    await exchange.uploadImport(target, 'YOLO', file('labels.tar', 'not a tar at all'));
    expect((await settled(client, target)).StatusMessage).toMatch(/^ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: The YOLO source upload labels\.tar/);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    // The file went with its job: ListJobs does not offer a retry that RetryJob refuses.
    const failedJobs = (await new JobsClient(api).all(['FAILED'])).filter((job) => job.resources.includes(target));
    expect(failedJobs.map((job) => job.retryable)).toEqual([false, false]);
    const refused = await rejection(new JobsClient(api).retry(failedJobs[0].jobId));
    expect([refused.status, refused.code]).toEqual([400, 'ValidationException']);
    expect(refused.message).toContain('upload it again');
  });

  it('refuses a body over the limit (announced or sent), a body that is not the one signed, an unsigned payload, and an empty one; nothing staged', async () => {
    const client = server.rekognition();
    const target = await newDataset(client);
    const big = file('big.json', cocoOf(10_000));
    expect(big.bytes).toBeGreaterThan(1024 * 1024);
    const over = await rejection(exchange.uploadImport(target, 'COCO', big));
    expect([over.status, over.code]).toEqual([400, 'ValidationException']);
    expect(over.message).toContain('1048576 bytes');
    // The same, sent without a Content-Length (chunked): refused once the limit is passed.
    const chunked = await signedUpload(target, big.body, { chunked: true });
    expect([chunked.status, chunked.type]).toEqual([400, 'ValidationException']);

    // Signed for one body, sent with another of the same length.
    const good = file('a.json', cocoOf(3));
    const altered = Buffer.from(good.body);
    altered[altered.length - 2] ^= 1;
    const changed = await rejection(exchange.uploadImport(target, 'COCO', { ...good, data: (async function* () { yield altered; })() }));
    expect([changed.status, changed.code]).toEqual([403, 'InvalidSignatureException']);
    expect(changed.message).toContain('does not match the SHA-256 of the request body');
    // UNSIGNED-PAYLOAD (or no x-amz-content-sha256): the body could not be checked, so it is not taken.
    const unsigned = await signedUpload(target, good.body, { payloadHash: 'UNSIGNED-PAYLOAD' });
    expect([unsigned.status, unsigned.type]).toEqual([403, 'InvalidSignatureException']);
    expect(unsigned.message).toContain('sign x-amz-content-sha256 with the SHA-256 of the body');
    const empty = await rejection(exchange.uploadImport(target, 'COCO', file('empty.json', '')));
    expect([empty.status, empty.code]).toEqual([400, 'ValidationException']);

    expect(await settled(client, target)).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: 0 } });
    expect((await revisions(target)).map((revision) => revision.operation)).toEqual(['CreateDataset']);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it.each(['cut', 'stalled'] as const)('removes what was staged when the client stops in the middle of its body (%s)', async (how) => {
    const target = await newDataset(server.rekognition());
    const body = Buffer.from(cocoOf(5000));
    expect(body.length).toBeLessThan(1024 * 1024);
    expect(body.length).toBeGreaterThan(600 * 1024);
    const signed = await signedRequestHeaders(target, body);
    let answer: { status?: number; type?: string; text: string } = { text: '' };
    await new Promise<void>((resolve) => {
      const sent = request(`${server.url}${path(target)}?format=COCO&name=cut.json`, { method: 'POST', headers: signed });
      sent.on('error', () => resolve());
      sent.on('response', (response) => {
        answer = { status: response.statusCode, type: response.headers['x-amzn-errortype'] as string | undefined, text: '' };
        response.on('data', (chunk: Buffer) => { answer.text += chunk.toString(); });
        response.on('end', () => resolve());
        response.on('error', () => resolve());
      });
      sent.write(body.subarray(0, 600 * 1024));
      // Cut: once the first pieces are staged, the connection goes. Stalled: it stays open, silent,
      // until a pause as long as the server's request timeout (3 s here) ends it.
      if (how === 'cut') setTimeout(() => sent.destroy(), 300);
    });
    if (how === 'stalled') {
      expect([answer.status, answer.type]).toEqual([400, 'ValidationException']);
      expect(answer.text).toContain('the request body sent nothing for 3000 ms');
    }
    await eventually(async () => ((await staged()).uploads === 0 ? true : undefined), 10_000, 'the staged upload to be removed');
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    expect(await settled(server.rekognition(), target)).toMatchObject({ Status: 'CREATE_COMPLETE' });
  });

  it('takes an upload longer than --request-timeout-ms while its bytes keep coming, and imports it', async () => {
    const target = await newDataset(server.rekognition());
    const body = Buffer.from(cocoOf(2000));
    // Ten pieces 450 ms apart: about 4.5 s in all, past the 3 s every other request must arrive within.
    const answer = await pacedUpload(target, body, { pieces: 10, everyMs: 450 });
    expect(answer.ms).toBeGreaterThan(3500);
    expect(answer.status).toBe(202);
    expect(await settled(server.rekognition(), target)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 2000 } });
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('cuts an upload that trickles slower than --import-upload-min-bytes-per-second once it falls behind; nothing staged', async () => {
    const target = await newDataset(server.rekognition());
    const body = Buffer.from(cocoOf(2000));
    // 4 KiB a second, never silent for long: it has 3 s plus 1/32 KiB s per byte, so it falls behind at ~3.4 s.
    const answer = await pacedUpload(target, body, { pieces: Math.ceil(body.length / 4096), everyMs: 1000 });
    expect([answer.status, answer.type]).toEqual([400, 'ValidationException']);
    expect(answer.message).toContain('slower than 32768 bytes a second');
    expect(answer.ms).toBeGreaterThan(3000);
    expect(answer.ms).toBeLessThan(8000);
    await eventually(async () => ((await staged()).uploads === 0 ? true : undefined), 10_000, 'the staged upload to be removed');
    expect(await settled(server.rekognition(), target)).toMatchObject({ Status: 'CREATE_COMPLETE' });
  });

  it('still cuts any other Trove API request whose body trickles at --request-timeout-ms', async () => {
    const target = await newDataset(server.rekognition());
    const body = Buffer.from(`${JSON.stringify({ source: 's3://photos/x.json', format: 'COCO' })}${' '.repeat(200)}`);
    const url = new URL(`${server.url}/_trove/api/rekognition/datasets/${encodeURIComponent(target)}/imports`);
    const answer = await trickled(url, body, await sign(url, body), { pieces: body.length, everyMs: 50 });
    expect(answer.status).toBe(408);
    expect(answer.ms).toBeGreaterThan(2900);
    expect(answer.ms).toBeLessThan(6000);
  });

  it("keeps another account's dataset out of reach", async () => {
    const target = await newDataset(server.rekognition());
    const stranger = new ExchangeClient(new TroveApiClient({
      endpoint: server.url, region: 'us-east-1', credentials: await server.createCredential({ account: '222222222222' }),
    }));
    const hidden = await rejection(stranger.uploadImport(target, 'COCO', file('x.json', cocoOf(2))));
    expect([hidden.status, hidden.code]).toEqual([404, 'ResourceNotFoundException']);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('the maintenance sweep removes an upload no job took (its request died with the process)', async () => {
    const store = server.trove.store;
    const id = await store.importUploads.create(Date.now() - 2 * 60 * 60 * 1000);
    await store.importUploads.append(id, 0, [Buffer.from('{"images": [')], Date.now() - 2 * 60 * 60 * 1000);
    const fresh = await store.importUploads.create(Date.now());
    expect((await staged()).uploads).toBe(2);
    await server.trove.maintenance.sweep();
    // The one still being written (recently) stays.
    expect(await staged()).toMatchObject({ uploads: 1, pieces: 0 });
    await store.importUploads.removeUntaken(fresh);
  });

  it('the sweep removes no upload before its progress is 10 minutes old, however short the request timeout (3 s here)', async () => {
    const store = server.trove.store;
    const id = await store.importUploads.create(Date.now() - 60_000);
    await store.importUploads.append(id, 0, [Buffer.from('{"images": [')], Date.now() - 60_000);
    await server.trove.maintenance.sweep();
    expect(await staged()).toMatchObject({ uploads: 1, pieces: 1 });
    expect(await store.importUploads.removeUntaken(id)).toBe(true);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('the sweep keeps an upload written to between its listing and its removal (a late but live request), and its pieces', async () => {
    const store = server.trove.store;
    const old = Date.now() - 2 * 60 * 60 * 1000;
    const id = await store.importUploads.create(old);
    await store.importUploads.append(id, 0, [Buffer.from('{"images": [')], old);
    const listing = store.importUploads.orphans;
    // The late write lands right after the sweep has listed the upload as an orphan.
    store.importUploads.orphans = async (idleBefore, limit) => {
      const ids = await listing.call(store.importUploads, idleBefore, limit);
      await store.importUploads.append(id, 1, [Buffer.from(']}')], Date.now());
      return ids;
    };
    try {
      await server.trove.maintenance.sweep();
    } finally {
      store.importUploads.orphans = listing;
    }
    expect(await staged()).toMatchObject({ uploads: 1, pieces: 2 });
    expect(await store.importUploads.removeUntaken(id)).toBe(true);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it("a failed request's cleanup leaves an upload a job took; the sweep removes pieces left without their upload", async () => {
    const store = server.trove.store;
    const taken = await store.importUploads.create(Date.now());
    await store.importUploads.append(taken, 0, [Buffer.from('{"images": [')], Date.now());
    expect(await store.transaction((tx) => tx.importUploads.attach(taken, 987_654_321))).toBe(true);
    // An error thrown after the accepting transaction committed: the upload is its job's.
    expect(await store.importUploads.removeUntaken(taken)).toBe(false);
    expect(await staged()).toMatchObject({ uploads: 1, pieces: 1 });
    // That job does not exist: the sweep removes the upload as an orphan.
    await server.trove.maintenance.sweep();
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    // A removal cut short after its row went: the next sweep removes the pieces.
    const cut = await store.importUploads.create(Date.now());
    await store.importUploads.append(cut, 0, [Buffer.from('{"images": ['), Buffer.from(']}')], Date.now());
    expect(await store.transaction((tx) => tx.importUploads.takeOrphan(cut, Number.MAX_SAFE_INTEGER))).toBe(true);
    expect(await staged()).toMatchObject({ uploads: 0, pieces: 2 });
    await server.trove.maintenance.sweep();
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('the sweep leaves an upload alone until its progress is 3x the request timeout old (a live request marks it more often), then removes it', async () => {
    const hour = 60 * 60 * 1000;
    // A live upload's request records its progress at least every 1.25 request timeouts (1 hour here): abandoned after 3 hours.
    const patient = await startServer({
      backend, requestTimeoutMs: hour, importUploadMinBytesPerSecond: 1024, bodyLimits: { importUpload: 2 * 3600 * 1024 },
    });
    try {
      const store = patient.trove.store;
      const upload = async (idleMs: number) => {
        const id = await store.importUploads.create(Date.now() - idleMs - hour);
        await store.importUploads.append(id, 0, [Buffer.from('{"images": [')], Date.now() - idleMs);
        return id;
      };
      // No progress for 2 hours: it may still be arriving (slow store, another node's clock); for 3.5 hours: abandoned, gone.
      const sending = await upload(2 * hour);
      await upload(3.5 * hour);
      expect((await store.importUploads.tally()).uploads).toBe(2);
      await patient.trove.maintenance.sweep();
      expect(await store.importUploads.tally()).toMatchObject({ uploads: 1, pieces: 1 });
      await store.importUploads.removeUntaken(sending);
    } finally {
      await patient.close();
    }
  });

  async function signedRequestHeaders(arn: string, body: Buffer, payloadHash = createHash('sha256').update(body).digest('hex')): Promise<Record<string, string>> {
    return sign(new URL(`${server.url}${path(arn)}?format=COCO&name=cut.json`), body, payloadHash);
  }

  async function sign(url: URL, body: Buffer, payloadHash = createHash('sha256').update(body).digest('hex')): Promise<Record<string, string>> {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { NodeSha256 } = await import('../../../src/client/sha256.js');
    const signer = new SignatureV4({ service: 'trove', region: 'us-east-1', sha256: NodeSha256, credentials: TEST_CREDENTIALS });
    const signed = await signer.sign({
      method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname,
      query: Object.fromEntries(url.searchParams), headers: { host: url.host, 'content-type': 'application/json', 'x-amz-content-sha256': payloadHash },
    });
    return { ...signed.headers, 'content-length': String(body.length) } as Record<string, string>;
  }

  /** A signed upload of `body` in `pieces` pieces, `everyMs` apart. */
  async function pacedUpload(arn: string, body: Buffer, pace: { pieces: number; everyMs: number }) {
    const url = new URL(`${server.url}${path(arn)}?format=COCO&name=paced.json&images=${encodeURIComponent('s3://elsewhere/')}`);
    return trickled(url, body, await sign(url, body), pace);
  }

  /** A signed upload sent by hand: with another payload hash, or without a Content-Length. */
  async function signedUpload(arn: string, body: Buffer, options: { payloadHash?: string; chunked?: boolean }): Promise<{ status: number; type: string | null; message: string }> {
    const headers = await signedRequestHeaders(arn, body, options.payloadHash);
    if (options.chunked) delete headers['content-length'];
    const response = await fetch(`${server.url}${path(arn)}?format=COCO&name=cut.json`, {
      method: 'POST', headers,
      body: options.chunked ? new ReadableStream({ start(controller) { controller.enqueue(body); controller.close(); } }) : body,
      duplex: 'half',
    } as RequestInit);
    const answer = await response.json() as { message: string };
    return { status: response.status, type: response.headers.get('x-amzn-errortype'), message: answer.message };
  }
});

describe.each(BACKENDS)('UploadDatasetImport: an accepted upload outlives its server (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-upload-restart-'));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a server that accepted it but ran no job stops; the next one imports the staged file, then removes it', async () => {
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    const store = { dataDir, ...(database ? { databaseUrl: database.url } : {}) };
    const creator = await startServer({ backend, ...store });
    const target = await newDataset(creator.rekognition()).finally(() => creator.close());
    // This node runs no jobs: the import stays accepted, UPDATE_IN_PROGRESS, and the dataset busy.
    const first = await startServer({ backend, ...store, jobs: { concurrency: 0, pollMs: 50 } });
    try {
      const exchange = new ExchangeClient(new TroveApiClient({ endpoint: first.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
      await exchange.uploadImport(target, 'COCO', file('kept.json', cocoOf(2000)), 's3://elsewhere/');
      const busy = await rejection(exchange.uploadImport(target, 'COCO', file('second.json', cocoOf(2))));
      expect([busy.status, busy.code]).toEqual([409, 'ConflictException']);
      expect(await first.trove.store.importUploads.tally()).toMatchObject({ uploads: 1, bytes: Buffer.byteLength(cocoOf(2000)) });
      expect((await first.rekognition().send(new DescribeDatasetCommand({ DatasetArn: target }))).DatasetDescription?.Status).toBe('UPDATE_IN_PROGRESS');
    } finally {
      await first.close();
    }
    const second = await startServer({ backend, ...store });
    try {
      expect(await settled(second.rekognition(), target)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 2000 } });
      expect(await second.trove.store.importUploads.tally()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    } finally {
      await second.close();
    }
  });

  // The data directory's lock proves no request of an earlier process is still sending.
  it.skipIf(backend !== 'sqlite')('an upload the last shutdown cut off mid-body is removed when the embedded store opens, not hours later', async () => {
    const cut = await startServer({ backend, dataDir });
    try {
      // What a kill -9 mid-body leaves: staged pieces, reserved bytes, no job.
      const id = await cut.trove.store.transaction(async (tx) => {
        const upload = await tx.importUploads.create(Date.now(), '000000000000');
        await tx.importUploads.append(upload, 0, [Buffer.alloc(1000, 1)], Date.now());
        return upload;
      });
      expect(id).toBeGreaterThan(0);
      expect(await cut.trove.store.importUploads.tally()).toMatchObject({ uploads: 1, bytes: 1000 });
    } finally {
      await cut.close();
    }
    const next = await startServer({ backend, dataDir });
    try {
      expect(await next.trove.store.importUploads.tally()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    } finally {
      await next.close();
    }
  });
});
