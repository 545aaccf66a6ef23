import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { send, signRequest } from '../../harness/sigv4.js';

// JSON nested deeper than any input of these APIs is refused by a linear scan before JSON.parse
// builds it: an 8 MiB `{"X":[[[...]]]}` used to cost seconds of CPU and hundreds of MB, then a
// stack overflow and a 500.

/** `{"X":[[[...]]]}` of about `bytes` bytes, nested bytes/2 levels deep. */
function deepJson(bytes: number): string {
  const depth = Math.floor((bytes - 8) / 2);
  return `{"X":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

async function signedSend(server: TestServer, service: string, request: { method: string; path: string; headers: Record<string, string>; body: string }) {
  const headers = { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
  return send(server.url, await signRequest(server.url, { ...request, headers }, { ...TEST_CREDENTIALS, service }));
}

describe.each(BACKENDS)('deeply nested JSON (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  it('awsJson: an 8 MiB {"X":[[[...]]]} answers SerializationException 400, and 128 levels still parse', async () => {
    const rekognition = (body: string) => signedSend(server, 'rekognition', {
      method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DescribeProjects' }, body,
    });
    const deep = await rekognition(deepJson(8 * 1024 * 1024 - 64));
    expect(deep.status).toBe(400);
    expect(deep.json()).toMatchObject({ __type: 'SerializationException', Message: 'The request body nests objects and arrays deeper than 128 levels.' });
    // 128 levels in all (the body's own object is the first): not refused for its depth.
    const atLimit = await rekognition(`{"X":${'['.repeat(127)}${']'.repeat(127)}}`);
    expect(atLimit.json().__type).not.toBe('SerializationException');
    const overLimit = await rekognition(`{"X":${'['.repeat(128)}${']'.repeat(128)}}`);
    expect(overLimit.json().__type).toBe('SerializationException');
  });

  it('restJson: a deep body answers ValidationException CannotParse', async () => {
    const response = await signedSend(server, 'bedrock-agentcore', {
      method: 'POST', path: '/datasets', headers: { 'content-type': 'application/json' }, body: deepJson(5 * 1024 * 1024 - 64),
    });
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(response.json()).toMatchObject({ reason: 'CannotParse', message: expect.stringMatching(/deeper than 128 levels/) });
  });

  it('Trove\'s own routes and unrouted paths refuse a deep body with 400 before parsing it, without credentials', async () => {
    for (const path of ['/_trove/health', '/_trove/nothing', '/nothing']) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepJson(1024 * 1024 - 64) });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(await response.json()).toMatchObject({ message: expect.stringMatching(/deeper than 128 levels/) });
    }
    expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
  });

  it('drops a manifest line nested too deep before parsing it, and keeps the others', async () => {
    const client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'deep-lines' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    const deep = `{"source-ref":"s3://bucket/deep.jpg","x":${'['.repeat(40_000)}${']'.repeat(40_000)}}`;
    // AWS: the change fails only when more than 20% of its lines are in terminal error.
    const fine = Array.from({ length: 9 }, (_, i) => `s3://bucket/fine-${i}.jpg`);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(deep, ...fine.map((ref) => classificationLine(ref, 'rose'))) } }));
    const dataset = await settled(client, DatasetArn!);
    expect(dataset.Status).toBe('UPDATE_COMPLETE');
    expect((await allEntries(client, { DatasetArn })).map((entry) => entry['source-ref'])).toEqual(fine);
  });
});
