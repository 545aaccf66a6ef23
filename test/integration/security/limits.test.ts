import { connect } from 'node:net';
import type { Socket } from 'node:net';
import {
  CreateDatasetCommand, CreateProjectCommand, DescribeProjectsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { rekognitionRequest, send, signRequest } from '../../harness/sigv4.js';
import { sdkFailure } from '../../harness/sdk-failure.js';


describe.each(BACKENDS)('throttling per access key (token bucket) (%s)', (backend) => {
  // One token every 10 s: a second request is over the rate however slowly a busy machine sends it.
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, throttle: { requestsPerSecond: 0.1, burst: 1 } });
  });
  afterAll(async () => server?.close());

  it('answers over-rate requests with ProvisionedThroughputExceededException when the SDK does not retry', async () => {
    const client = server.rekognition({ maxAttempts: 1 });
    await client.send(new DescribeProjectsCommand({}));
    const error = await sdkFailure(client.send(new DescribeProjectsCommand({})));
    expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException', status: 400, attempts: 1 });
    // The raw answer tells clients when a token is available again.
    const signed = await signRequest(server.url, rekognitionRequest('DescribeProjects', {}), { ...TEST_CREDENTIALS, service: 'rekognition' });
    const raw = await send(server.url, signed);
    expect(raw.status).toBe(400);
    expect(Number(raw.headers['x-amz-retry-after'])).toBeGreaterThan(0);
    expect(Number(raw.headers['x-amz-retry-after'])).toBeLessThanOrEqual(10_000);
    expect(Number(raw.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(raw.headers['retry-after'])).toBeLessThanOrEqual(10);
  });

  it('keeps a separate bucket per access key', async () => {
    const key = await server.createCredential({ account: '123456789012' });
    const first = server.rekognition({ credentials: key, maxAttempts: 1 });
    await first.send(new DescribeProjectsCommand({}));
    const other = server.rekognition({ credentials: await server.createCredential({ account: '123456789012' }), maxAttempts: 1 });
    await other.send(new DescribeProjectsCommand({}));
    expect((await sdkFailure(first.send(new DescribeProjectsCommand({})))).name).toBe('ProvisionedThroughputExceededException');
  });
});

describe.each(BACKENDS)('throttling and the SDK\'s retries (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, throttle: { requestsPerSecond: 2, burst: 1 } });
  });
  afterAll(async () => server?.close());

  it('lets the SDK\'s default retries succeed once a token is available', async () => {
    const client = server.rekognition();
    // Two calls at once: one of them meets an empty bucket and succeeds on a retry half a second later.
    const outputs = await Promise.all([client.send(new DescribeProjectsCommand({})), client.send(new DescribeProjectsCommand({}))]);
    expect(outputs.map((output) => output.$metadata.httpStatusCode)).toEqual([200, 200]);
    expect(Math.max(...outputs.map((output) => output.$metadata.attempts ?? 1))).toBeGreaterThan(1);
  });
});

describe.each(BACKENDS)('quotas per account (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, rekognition: { maxProjectsPerAccount: 2, maxEntriesPerDataset: 3 } });
  });
  afterAll(async () => server?.close());

  it('answers LimitExceededException synchronously past the projects quota, per account', async () => {
    const client = server.rekognition({ maxAttempts: 1 });
    await client.send(new CreateProjectCommand({ ProjectName: 'one' }));
    await client.send(new CreateProjectCommand({ ProjectName: 'two' }));
    const error = await sdkFailure(client.send(new CreateProjectCommand({ ProjectName: 'three' })));
    expect(error).toMatchObject({ name: 'LimitExceededException', status: 400 });
    expect(error.message).toMatch(/already has 2 projects/);
    // Another region of the same account has its own quota.
    await server.rekognition({ region: 'eu-west-1' }).send(new CreateProjectCommand({ ProjectName: 'three' }));
  });

  it('fails an update that would pass the entries-per-dataset quota, keeping the dataset as it was', async () => {
    const client = server.rekognition({ region: 'eu-central-1' });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'entries' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    const line = (i: number) => classificationLine(`s3://bucket/${i}.jpg`, i % 2 ? 'rose' : 'tulip');
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(line(1), line(2)) } }));
    expect((await settled(client, DatasetArn!)).DatasetStats?.TotalEntries).toBe(2);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(line(3), line(4)) } }));
    const d = await settled(client, DatasetArn!);
    expect(d.Status).toBe('UPDATE_FAILED');
    expect(d.StatusMessage).toMatch(/^LimitExceededException: .*maximum is 3/);
    expect(d.DatasetStats?.TotalEntries).toBe(2);
  });
});

describe.each(BACKENDS)('body size and slow clients (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, bodyLimits: { awsJson: 64 * 1024 }, idleTimeoutMs: 400 });
  });
  afterAll(async () => server?.close());

  it('refuses a body over the limit with the modelled error', async () => {
    const client = server.rekognition({ maxAttempts: 1 });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'big' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    const big = lines(...Array.from({ length: 1000 }, (_, i) => classificationLine(`s3://bucket/${i}.jpg`, 'rose')));
    const error = await sdkFailure(client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: big } })));
    expect(error).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(error.message).toMatch(/larger than the 65536 bytes/);
  });

  it('refuses an announced oversized body from its headers, without waiting for the bytes', async () => {
    const signed = await signRequest(server.url, rekognitionRequest('DescribeProjects', {}), { ...TEST_CREDENTIALS, service: 'rekognition' });
    const url = new URL(server.url);
    const headers = { ...signed.headers, 'content-length': String(50 * 1024 * 1024) };
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST / HTTP/1.1\r\n${Object.entries(headers).map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (/\r\n\r\n[\s\S]*\}/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"__type":"InvalidParameterException"');
  });

  it('closes stalled connections after the idle timeout while other clients are served', async () => {
    const url = new URL(server.url);
    const open = (data: string) => new Promise<Socket>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(data);
        resolve(socket);
      });
      socket.on('error', () => undefined);
      // Read what the server answers, so its closing the connection is seen.
      socket.resume();
    });
    const closed = (socket: Socket) => new Promise<number>((resolve) => {
      const started = Date.now();
      socket.once('close', () => resolve(Date.now() - started));
    });
    const stalledHeaders = await open(`POST / HTTP/1.1\r\nHost: ${url.host}\r\nX-Amz-Tar`);
    const stalledBody = await open(`POST / HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 100\r\n\r\n{"Max`);
    // A signed request whose body never finishes: admitted from its headers, then waiting for bytes.
    const signed = await signRequest(server.url, rekognitionRequest('DescribeProjects', { MaxResults: 10 }), { ...TEST_CREDENTIALS, service: 'rekognition' });
    const signedHead = Object.entries(signed.headers).map(([n, v]) => `${n}: ${v}`).join('\r\n');
    const stalledSignedBody = await open(`POST / HTTP/1.1\r\n${signedHead}\r\n\r\n{"Max`);
    const waits = [closed(stalledHeaders), closed(stalledBody), closed(stalledSignedBody)];
    // Other clients are served meanwhile.
    expect((await server.rekognition().send(new DescribeProjectsCommand({}))).$metadata.httpStatusCode).toBe(200);
    for (const ms of await Promise.all(waits)) expect(ms).toBeLessThan(5_000);
  });
});

describe.each(BACKENDS)('--request-timeout-ms and --idle-timeout-ms below Node\'s defaults (%s)', (backend) => {
  const TIMEOUT_MS = 2000;
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, requestTimeoutMs: TIMEOUT_MS, idleTimeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => server?.close());

  /** Opens a connection, runs `talk` on it, and resolves with ms from `talk`'s mark to the server closing it (Infinity after 4x the timeout). */
  const closedAfter = (talk: (socket: Socket, mark: () => void) => void) => new Promise<number>((resolve) => {
    const url = new URL(server.url);
    let from = Date.now();
    const socket = connect(Number(url.port), url.hostname, () => talk(socket, () => { from = Date.now(); }));
    socket.on('error', () => undefined);
    socket.resume();
    const give = setTimeout(() => {
      socket.destroy();
      resolve(Infinity);
    }, 4 * TIMEOUT_MS);
    socket.once('close', () => {
      clearTimeout(give);
      resolve(Date.now() - from);
    });
  });

  it('cuts a sender that trickles its body, and closes a keep-alive connection left idle, near the settings', async () => {
    const body = `${JSON.stringify({ MaxResults: 10 })}${' '.repeat(300)}`;
    const request = { ...rekognitionRequest('DescribeProjects', {}), body };
    request.headers['content-length'] = String(body.length);
    const signed = await signRequest(server.url, request, { ...TEST_CREDENTIALS, service: 'rekognition' });
    const head = `POST / HTTP/1.1\r\n${Object.entries(signed.headers).map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`;
    const [trickled, idle] = await Promise.all([
      // One byte every 100 ms: never silent for long, so only the request timeout can end it.
      closedAfter((socket, mark) => {
        mark();
        socket.write(head);
        let sent = 0;
        const timer = setInterval(() => (sent < body.length ? socket.write(body[sent++]) : clearInterval(timer)), 100);
        socket.once('close', () => clearInterval(timer));
      }),
      // A whole request, answered; then nothing.
      closedAfter((socket, mark) => {
        socket.once('data', mark);
        socket.write(head + body);
      }),
    ]);
    expect(trickled).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(trickled).toBeLessThan(2 * TIMEOUT_MS);
    // Node keeps an idle keep-alive socket one second past keepAliveTimeout, so clients never reuse one being closed.
    expect(idle).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(idle).toBeLessThan(2 * TIMEOUT_MS);
    expect((await server.rekognition().send(new DescribeProjectsCommand({}))).$metadata.httpStatusCode).toBe(200);
  });
});
