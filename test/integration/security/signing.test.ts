import { connect } from 'node:net';
import { CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import type { HttpRequest } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { presignRequest, rekognitionRequest, send, signRequest } from '../../harness/sigv4.js';
import type { RawRequest } from '../../harness/sigv4.js';
import { sdkFailure } from '../../harness/sdk-failure.js';

/** The request exactly as the real SDK signed it, captured after signing and replayable byte for byte. */
async function captureSigned(client: RekognitionClient, command: DescribeProjectsCommand): Promise<RawRequest> {
  let captured: HttpRequest | undefined;
  client.middlewareStack.add((next) => async (args) => {
    captured = args.request as HttpRequest;
    return next(args);
  }, { step: 'deserialize', name: 'captureSigned' });
  await client.send(command);
  client.middlewareStack.remove('captureSigned');
  const query = Object.entries(captured!.query ?? {}).flatMap(([n, v]) => (Array.isArray(v) ? v : [v]).map((x) => [n, String(x)] as [string, string]));
  const body: unknown = captured!.body;
  const text = typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8');
  return { method: captured!.method, path: captured!.path, query, headers: { ...captured!.headers }, body: text };
}

function signedHeaderNames(request: RawRequest): string[] {
  return /SignedHeaders=([^,]+)/.exec(request.headers.authorization)![1].split(';');
}

describe.each(BACKENDS)('SigV4 on the wire (Rekognition, awsJson1_1) (%s)', (backend) => {
  let server: TestServer;
  let key: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    server = await startServer({ backend, regions: ['lab-east-1'] });
    key = await server.createCredential({ account: '111122223333' });
  });
  afterAll(async () => server?.close());

  it('accepts the real SDK signing with the right secret, in the credential\'s account and the scope\'s region', async () => {
    const client = server.rekognition({ credentials: key, region: 'eu-west-1' });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'signed' }));
    expect(ProjectArn).toMatch(/^arn:aws:rekognition:eu-west-1:111122223333:project\/signed\/\d+$/);
  });

  it('answers a wrong secret with InvalidSignatureException 403 in the awsJson format, never echoing a secret', async () => {
    const client = server.rekognition({ credentials: { ...key, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    const error = await client.send(new DescribeProjectsCommand({})).catch((e: unknown) => e) as Record<string, any>;
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(error.message).not.toContain(key.secretAccessKey);
    expect(error.message).not.toContain('not-the-secret');
  });

  it('answers an unknown access key with UnrecognizedClientException, and test/test too once credentials exist', async () => {
    for (const credentials of [{ accessKeyId: 'TROVUNKNOWN', secretAccessKey: 'x' }, TEST_CREDENTIALS]) {
      const error = await server.rekognition({ credentials, maxAttempts: 1 }).send(new DescribeProjectsCommand({})).catch((e: unknown) => e) as Record<string, any>;
      expect(error.name).toBe('UnrecognizedClientException');
      expect(error.$metadata.httpStatusCode).toBe(403);
    }
  });

  it('answers an unsigned request with MissingAuthenticationTokenException before reading its body', async () => {
    const response = await send(server.url, rekognitionRequest('DescribeProjects', {}));
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException', Message: expect.stringMatching(/Signature Version 4/) });
    // A 50 MB body announced but never sent: the answer comes from the headers alone.
    const url = new URL(server.url);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST / HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: RekognitionService.DescribeProjects\r\nContent-Length: 52428800\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(head).toMatch(/^HTTP\/1\.1 403/);
  });

  it('refuses every tampering of a request the SDK signed: each signed header, the query and the body', async () => {
    const client = server.rekognition({ credentials: key });
    const original = await captureSigned(client, new DescribeProjectsCommand({ MaxResults: 5 }));
    expect((await send(server.url, original)).status).toBe(200);

    const names = signedHeaderNames(original);
    expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type', 'x-amz-content-sha256']));
    const variants: Array<[string, RawRequest]> = names.map((name) => {
      const header = Object.keys(original.headers).find((h) => h.toLowerCase() === name)!;
      const value = original.headers[header];
      // A different value of the same form: another time, another target, another host, another hash...
      const changed = name === 'x-amz-date' ? value.replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10))
        : name === 'x-amz-target' ? 'RekognitionService.ListDatasetLabels'
          : name === 'x-amz-content-sha256' ? value.replace(/^./, (c) => (c === '0' ? '1' : '0'))
            : name === 'host' ? value.replace('127.0.0.1', 'localhost')
              : name === 'content-length' ? String(Number(value) + 1)
                : `${value}x`;
      // A longer body must come with a longer Content-Length: append insignificant JSON whitespace.
      const body = name === 'content-length' ? `${original.body} ` : original.body;
      return [name, { ...original, body, headers: { ...original.headers, [header]: changed } }];
    });
    variants.push(['query', { ...original, query: [['extra', '1']] }]);
    variants.push(['body', { ...original, body: JSON.stringify({ MaxResults: 6 }), headers: { ...original.headers, 'content-length': String(JSON.stringify({ MaxResults: 6 }).length) } }]);
    for (const [what, request] of variants) {
      const response = await send(server.url, request);
      expect({ what, status: response.status, type: response.json().__type }).toEqual({ what, status: 403, type: 'InvalidSignatureException' });
    }
  });

  it('refuses a request signed more than 15 minutes ago or ahead (replay), and accepts one within', async () => {
    const request = rekognitionRequest('DescribeProjects', {});
    for (const [offsetMin, status] of [[-16, 403], [16, 403], [-10, 200]] as const) {
      const signed = await signRequest(server.url, request, { ...key, service: 'rekognition', signingDate: new Date(Date.now() + offsetMin * 60_000) });
      const response = await send(server.url, signed);
      expect({ offsetMin, status: response.status }).toEqual({ offsetMin, status });
      if (status === 403) expect(response.json().Message).toMatch(offsetMin < 0 ? /^Signature expired/ : /^Signature not yet current/);
    }
  });

  it('lets the SDK see a skewed clock as InvalidSignatureException (maxAttempts 1) and correct it itself (default retries)', async () => {
    const skewed = { credentials: key, systemClockOffset: -20 * 60_000 };
    const error = await server.rekognition({ ...skewed, maxAttempts: 1 }).send(new DescribeProjectsCommand({})).catch((e: unknown) => e) as Record<string, any>;
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^Signature expired/);
    const output = await server.rekognition(skewed).send(new DescribeProjectsCommand({}));
    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  it('accepts presigned URLs until they expire, and refuses them after', async () => {
    const request = rekognitionRequest('DescribeProjects', {});
    const fresh = await presignRequest(server.url, request, { ...key, service: 'rekognition', expiresIn: 300, keepInHeaders: ['x-amz-target'] });
    expect(fresh.query!.map(([n]) => n)).toContain('X-Amz-Signature');
    const ok = await send(server.url, fresh);
    expect(ok.status).toBe(200);
    expect(ok.json()).toHaveProperty('ProjectDescriptions');

    const old = await presignRequest(server.url, request, {
      ...key, service: 'rekognition', expiresIn: 60, keepInHeaders: ['x-amz-target'], signingDate: new Date(Date.now() - 5 * 60_000),
    });
    const expired = await send(server.url, old);
    expect(expired.status).toBe(403);
    expect(expired.json()).toMatchObject({ __type: 'InvalidSignatureException', Message: expect.stringMatching(/^Request has expired/) });

    const tampered = await send(server.url, { ...fresh, query: fresh.query!.map(([n, v]) => [n, n === 'X-Amz-Expires' ? '3600' : v] as [string, string]) });
    expect(tampered.status).toBe(403);
  });

  it('refuses a signature scoped to another service', async () => {
    const signed = await signRequest(server.url, rekognitionRequest('DescribeProjects', {}), { ...key, service: 'bedrock-agentcore' });
    const response = await send(server.url, signed);
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ __type: 'InvalidSignatureException', Message: "Credential should be scoped to correct service: 'rekognition'." });
  });

  it('answers an unknown and a disabled access key alike, so the answer tells no one which key ids exist', async () => {
    const disabled = await server.createCredential({ account: '111122223333' });
    await server.trove.credentials.setEnabled(disabled.accessKeyId, false);
    const unknown = { accessKeyId: disabled.accessKeyId.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), secretAccessKey: disabled.secretAccessKey };
    const answers = [];
    for (const credentials of [disabled, unknown]) {
      const response = await send(server.url, await signRequest(server.url, rekognitionRequest('DescribeProjects', {}), { ...credentials, service: 'rekognition' }));
      answers.push({ status: response.status, type: response.headers['x-amzn-errortype'], message: response.json().Message });
    }
    expect(answers[0]).toEqual({ status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect(answers[1]).toEqual(answers[0]);
  });

  it('refuses a request replayed with an X-Amz-Target or Content-Type its signature does not cover', async () => {
    const client = server.rekognition({ credentials: key });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'replayed' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    // A client that signed only host, date and body: the captured request names the dataset...
    const body = JSON.stringify({ DatasetArn });
    const sloppy = await signRequest(server.url, { method: 'POST', path: '/', headers: { 'content-length': String(body.length) }, body }, { ...key, service: 'rekognition' });
    // ...and is replayed as DeleteDataset, then with a forged Content-Type beside a signed target.
    const asDelete = await send(server.url, { ...sloppy, headers: { ...sloppy.headers, 'x-amz-target': 'RekognitionService.DeleteDataset', 'content-type': 'application/x-amz-json-1.1' } });
    expect(asDelete.status).toBe(403);
    expect(asDelete.json()).toMatchObject({
      __type: 'InvalidSignatureException', Message: expect.stringMatching(/^There were headers present in the request which were not signed: content-type, x-amz-target\./),
    });
    const targeted = await signRequest(server.url, { method: 'POST', path: '/', headers: { 'x-amz-target': 'RekognitionService.DescribeDataset', 'content-length': String(body.length) }, body }, { ...key, service: 'rekognition' });
    const withType = await send(server.url, { ...targeted, headers: { ...targeted.headers, 'content-type': 'application/x-amz-json-1.1' } });
    expect(withType.json()).toMatchObject({ __type: 'InvalidSignatureException', Message: expect.stringMatching(/not signed: content-type\./) });
    expect((await client.send(new DescribeDatasetCommand({ DatasetArn }))).DatasetDescription?.Status).toMatch(/^CREATE_/);
    // An unsigned X-Amz-User-Agent changes nothing a request means, and some clients add it after signing.
    expect((await send(server.url, { ...targeted, headers: { ...targeted.headers, 'x-amz-user-agent': 'added-later/1.0' } })).status).toBe(200);
  });

  it('accepts the AWS regions and the operator\'s --regions, and refuses an invented region before its quotas exist', async () => {
    for (const region of ['ap-southeast-7', 'us-gov-west-1', 'cn-north-1', 'lab-east-1']) {
      const { ProjectArn } = await server.rekognition({ credentials: key, region }).send(new CreateProjectCommand({ ProjectName: 'regional' }));
      expect(ProjectArn).toMatch(new RegExp(`^arn:aws:rekognition:${region}:111122223333:project/regional/`));
    }
    for (const region of ['xx-fake-1', 'us-east-99', 'lab-east-2']) {
      const error = await sdkFailure(server.rekognition({ credentials: key, region, maxAttempts: 1 }).send(new CreateProjectCommand({ ProjectName: 'regional' })));
      expect(error).toMatchObject({ name: 'InvalidSignatureException', status: 403, message: expect.stringMatching(new RegExp(`^Credential should be scoped to a valid region, not '${region}'`)) });
    }
  });

  it('stops accepting a key as soon as it is disabled or deleted, and accepts it again when re-enabled', async () => {
    const other = await server.createCredential({ account: '111122223333' });
    const client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials: other, maxAttempts: 1 });
    try {
      await client.send(new DescribeProjectsCommand({}));
      await server.trove.credentials.setEnabled(other.accessKeyId, false);
      await expect(client.send(new DescribeProjectsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
      await server.trove.credentials.setEnabled(other.accessKeyId, true);
      await client.send(new DescribeProjectsCommand({}));
      await server.trove.credentials.delete(other.accessKeyId);
      await expect(client.send(new DescribeProjectsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      client.destroy();
    }
  });
});
