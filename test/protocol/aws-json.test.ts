import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../harness/backends.js';
import { startServer } from '../harness/server.js';
import type { TestServer } from '../harness/server.js';
import { signedFetch } from '../harness/sigv4.js';

/** awsJson1_1 on the wire, with hand-made requests (signed with the local pair): what the SDKs and botocore rely on. */
describe.each(BACKENDS)('awsJson1_1 wire format (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  const call = (target: string | undefined, body: string | undefined, headers: Record<string, string> = {}) =>
    signedFetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': target } : {}), ...headers },
      body,
    });

  it('answers 200 with the output members, epoch-second timestamps and a request id', async () => {
    const created = await call('RekognitionService.CreateProject', '{"ProjectName": "wire"}');
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
    expect(created.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const { ProjectArn } = await created.json() as { ProjectArn: string };
    const described = await (await call('RekognitionService.DescribeProjects', '{}')).json() as { ProjectDescriptions: { CreationTimestamp: unknown }[]; NextToken?: unknown };
    expect(typeof described.ProjectDescriptions[0].CreationTimestamp).toBe('number');
    // AWS: the last page carries no NextToken member at all.
    expect('NextToken' in described).toBe(false);
    expect(ProjectArn).toContain(':project/wire/');
  });

  it('treats an empty body as {}', async () => {
    const response = await call('RekognitionService.DescribeProjects', '');
    expect(response.status).toBe(200);
  });

  it('renders errors with __type, Code, Logref and Message, HTTP 400, and the request id', async () => {
    const response = await call('RekognitionService.DescribeDataset', '{"DatasetArn":"arn:aws:rekognition:us-east-1:000000000000:project/p/dataset/train/1"}');
    expect(response.status).toBe(400);
    const requestId = response.headers.get('x-amzn-requestid');
    const body = await response.json() as Record<string, string>;
    expect(body).toEqual({ __type: 'ResourceNotFoundException', Code: 'ResourceNotFoundException', Logref: requestId, Message: expect.any(String) });
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('words constraint violations like AWS and names every failing member', async () => {
    const response = await call('RekognitionService.CreateProject', '{"ProjectName":"bad name","Feature":"X"}');
    const body = await response.json() as Record<string, string>;
    expect(body.__type).toBe('InvalidParameterException');
    expect(body.Message).toBe(
      "2 validation errors detected: Value 'bad name' at 'projectName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+; "
      + "Value 'X' at 'feature' failed to satisfy constraint: Member must satisfy enum value set: [CONTENT_MODERATION, CUSTOM_LABELS]",
    );
    const missing = await (await call('RekognitionService.CreateProject', '{}')).json() as Record<string, string>;
    expect(missing.Message).toBe("1 validation error detected: Value null at 'projectName' failed to satisfy constraint: Member must not be null");
    const wrongType = await (await call('RekognitionService.DescribeProjects', '{"MaxResults":"10"}')).json() as Record<string, string>;
    expect(wrongType).toMatchObject({ __type: 'InvalidParameterException', Message: expect.stringContaining('maxResults') });
  });

  it('answers unknown operations, missing targets and malformed JSON with AWS-style errors', async () => {
    for (const [target, body, type] of [
      ['RekognitionService.DetectLabels', '{}', 'UnknownOperationException'],
      ['OtherService.CreateProject', '{}', 'UnknownOperationException'],
      [undefined, '{}', 'UnknownOperationException'],
      ['RekognitionService.CreateProject', '{"ProjectName":', 'SerializationException'],
      ['RekognitionService.CreateProject', '[1,2]', 'SerializationException'],
      ['RekognitionService.CreateProject', '"text"', 'SerializationException'],
    ] as const) {
      const response = await call(target, body);
      expect(response.status, `${target} ${body}`).toBe(400);
      expect((await response.json() as Record<string, string>).__type).toBe(type);
    }
  });

  it('refuses a body over the limit with InvalidParameterException and keeps serving', async () => {
    const response = await call('RekognitionService.UpdateDatasetEntries', 'x'.repeat(9 * 1024 * 1024));
    expect(response.status).toBe(400);
    expect((await response.json() as Record<string, string>).__type).toBe('InvalidParameterException');
    expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
  });

  // Long base64 strings are decoded while the body streams in (protocols/base64-extractor.ts):
  // nothing about the answers may change, wherever such a string sits.
  it('treats long base64 strings in blobs and elsewhere exactly as their text', async () => {
    const long = Buffer.alloc(200_000, 1).toString('base64');
    const project = await (await call('RekognitionService.CreateProject', '{"ProjectName":"long-strings"}')).json() as { ProjectArn: string };
    const dataset = await (await call('RekognitionService.CreateDataset', JSON.stringify({ ProjectArn: project.ProjectArn, DatasetType: 'TRAIN' }))).json() as { DatasetArn: string };
    // Where a string is expected, the value in the message is the text itself, not a stand-in.
    const asName = await (await call('RekognitionService.CreateProject', JSON.stringify({ ProjectName: long }))).json() as Record<string, string>;
    expect(asName.__type).toBe('InvalidParameterException');
    expect(asName.Message).toContain(`Value '${long.slice(0, 100)}...' at 'projectName' failed to satisfy constraint: Member must have length less than or equal to 255`);
    // A blob over its limit, a blob that is not base64 far into it, and one with bad padding.
    const manifest = (bytes: number) => Buffer.from(`{"source-ref":"s3://b/k.png"}\n`.padEnd(bytes, ' ')).toString('base64');
    const update = (groundTruth: string) => call('RekognitionService.UpdateDatasetEntries', JSON.stringify({ DatasetArn: dataset.DatasetArn, Changes: { GroundTruth: groundTruth } }));
    const tooLarge = await (await update(manifest(5_242_881))).json() as Record<string, string>;
    expect(tooLarge.Message).toBe("1 validation error detected: Value null at 'changes.groundTruth' failed to satisfy constraint: Member must have length less than or equal to 5242880");
    for (const bad of [`${long.slice(0, 150_000)}*${long.slice(150_001)}`, `${long}=`, `${long.slice(0, -4)}QR=A`]) {
      const response = await (await update(bad)).json() as Record<string, string>;
      expect(response.Message).toBe("1 validation error detected: Value null at 'changes.groundTruth' failed to satisfy constraint: Member must be a base64-encoded blob");
    }
    await server.trove.runner.idle();
    expect((await update(manifest(300_000))).status).toBe(200);
  });

  it('accepts bodies whatever their content type, as the SDKs vary', async () => {
    const response = await call('RekognitionService.DescribeProjects', '{}', { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    const plain = await call('RekognitionService.DescribeProjects', '{}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(200);
  });

  it('carries x-amzn-RequestId on every response, including unknown routes', async () => {
    const response = await fetch(`${server.url}/nowhere`);
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(response.status).toBe(404);
  });
});
