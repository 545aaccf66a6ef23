import {
  AddDatasetExamplesCommand, BedrockAgentCoreControlClient, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand,
  DeleteDatasetExamplesCommand, GetDatasetCommand, ListDatasetExamplesCommand, ListDatasetsCommand, ListDatasetVersionsCommand,
  ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand, UpdateDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { presignRequest, send, signRequest } from '../../harness/sigv4.js';
import type { RawRequest } from '../../harness/sigv4.js';
import { sdkFailure } from '../../harness/sdk-failure.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
const A = '111111111111';
const B = '222222222222';


describe.each(BACKENDS)('AgentCore (restJson1): signing (%s)', (backend) => {
  let server: TestServer;
  let key: { accessKeyId: string; secretAccessKey: string };
  let datasetId: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    key = await server.createCredential({ account: A });
    const client = server.agentcore({ credentials: key });
    ({ datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'signed', schemaType: PREDEFINED, source: inline(predefinedBatch(2)) })) as { datasetId: string });
    await settled(client, datasetId);
  });
  afterAll(async () => server?.close());

  it('answers in restJson\'s error format: x-amzn-ErrorType and message, HTTP 403', async () => {
    const wrong = await sdkFailure(server.agentcore({ credentials: { ...key, secretAccessKey: 'wrong' }, maxAttempts: 1 }).send(new ListDatasetsCommand({})));
    expect(wrong).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(wrong.message).not.toContain(key.secretAccessKey);
    const unknown = await sdkFailure(server.agentcore({ credentials: TEST_CREDENTIALS, maxAttempts: 1 }).send(new ListDatasetsCommand({})));
    expect(unknown).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
    const unsigned = await send(server.url, { method: 'GET', path: '/datasets', headers: {} });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(unsigned.json()).toMatchObject({ message: expect.stringMatching(/Signature Version 4/) });
    const rekognitionScoped = await send(server.url, await signRequest(server.url, { method: 'GET', path: '/datasets', headers: {} }, { ...key, service: 'rekognition' }));
    expect(rekognitionScoped.json()).toMatchObject({ message: "Credential should be scoped to correct service: 'bedrock-agentcore'." });
  });

  it('refuses a signed request whose method, path, query or body was changed', async () => {
    const signedGet = await signRequest(server.url, { method: 'GET', path: `/datasets/${datasetId}`, query: [['datasetVersion', 'DRAFT']], headers: {} }, { ...key, service: 'bedrock-agentcore' });
    expect((await send(server.url, signedGet)).status).toBe(200);
    const body = JSON.stringify({ examples: [predefined('added')] });
    const signedPost = await signRequest(server.url, {
      method: 'POST', path: `/datasets/${datasetId}/examples/add`, headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body,
    }, { ...key, service: 'bedrock-agentcore' });
    const variants: Array<[string, RawRequest]> = [
      ['method', { ...signedGet, method: 'DELETE' }],
      ['path', { ...signedGet, path: `/datasets/${datasetId}/versions` }],
      ['query', { ...signedGet, query: [['datasetVersion', '1']] }],
      ['body', { ...signedPost, body: JSON.stringify({ examples: [predefined('ADDED')] }) }],
    ];
    for (const [what, request] of variants) {
      const response = await send(server.url, request);
      expect({ what, status: response.status, type: response.headers['x-amzn-errortype'] }).toEqual({ what, status: 403, type: 'InvalidSignatureException' });
    }
    expect((await settled(server.agentcore({ credentials: key }), datasetId)).exampleCount).toBe(2);
  });

  it('accepts a presigned ListDatasets URL until it expires', async () => {
    const request = { method: 'GET', path: '/datasets', query: [['maxResults', '5']] as Array<[string, string]>, headers: {} };
    const fresh = await send(server.url, await presignRequest(server.url, request, { ...key, service: 'bedrock-agentcore', expiresIn: 300 }));
    expect(fresh.status).toBe(200);
    expect(fresh.json()).toMatchObject({ datasets: [expect.objectContaining({ datasetId })] });
    const expired = await send(server.url, await presignRequest(server.url, request, {
      ...key, service: 'bedrock-agentcore', expiresIn: 60, signingDate: new Date(Date.now() - 120_000),
    }));
    expect(expired.status).toBe(403);
    expect(expired.json().message).toMatch(/^Request has expired/);
  });
});

describe.each(BACKENDS)('AgentCore (restJson1): tenancy, allow-lists, download links (%s)', (backend) => {
  let server: TestServer;
  let a: BedrockAgentCoreControlClient;
  let b: BedrockAgentCoreControlClient;
  let datasetId: string;
  let exampleId: string;

  beforeAll(async () => {
    server = await startServer({ backend });
    a = server.agentcore({ credentials: await server.createCredential({ account: A }) });
    b = server.agentcore({ credentials: await server.createCredential({ account: B }), maxAttempts: 1 });
    ({ datasetId } = await a.send(new CreateDatasetCommand({ datasetName: 'private', schemaType: PREDEFINED, source: inline(predefinedBatch(3)) })) as { datasetId: string });
    await settled(a, datasetId);
    await a.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(a, datasetId);
    [{ exampleId }] = await allExamples(a, datasetId) as [{ exampleId: string }];
  });
  afterAll(async () => server?.close());

  it('answers ResourceNotFoundException, never data, when account B names account A\'s dataset on every operation', async () => {
    const resourceArn = `arn:aws:bedrock-agentcore:us-east-1:${A}:dataset/${datasetId}`;
    const attempts: Array<[string, Promise<unknown>]> = [
      ['ListTagsForResource', b.send(new ListTagsForResourceCommand({ resourceArn }))],
      ['TagResource', b.send(new TagResourceCommand({ resourceArn, tags: { owner: 'b' } }))],
      ['UntagResource', b.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner'] }))],
      ['GetDataset', b.send(new GetDatasetCommand({ datasetId }))],
      ['GetDataset version 1', b.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }))],
      ['UpdateDataset', b.send(new UpdateDatasetCommand({ datasetId, description: 'mine now' }))],
      ['ListDatasetExamples', b.send(new ListDatasetExamplesCommand({ datasetId }))],
      ['AddDatasetExamples', b.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('intruder')]) }))],
      ['UpdateDatasetExamples', b.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ ...predefined('intruder'), exampleId }] }))],
      ['DeleteDatasetExamples', b.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: [exampleId] }))],
      ['CreateDatasetVersion', b.send(new CreateDatasetVersionCommand({ datasetId }))],
      ['ListDatasetVersions', b.send(new ListDatasetVersionsCommand({ datasetId }))],
      ['DeleteDataset version 1', b.send(new DeleteDatasetCommand({ datasetId, datasetVersion: '1' }))],
      ['DeleteDataset', b.send(new DeleteDatasetCommand({ datasetId }))],
    ];
    // Every call is in flight at once; each gets its handler now, so none rejects unobserved.
    const failures = attempts.map(([operation, attempt]) => [operation, sdkFailure(attempt)] as const);
    for (const [operation, pending] of failures) {
      const error = await pending;
      expect({ operation, name: error.name, status: error.status }).toEqual({ operation, name: 'ResourceNotFoundException', status: 404 });
      expect(error.message).not.toContain('question');
    }
    expect((await b.send(new ListDatasetsCommand({}))).datasets).toEqual([]);
    // Names are per account: B may use A's.
    await b.send(new CreateDatasetCommand({ datasetName: 'private', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) }));
    const mine = await settled(a, datasetId);
    expect(mine).toMatchObject({ status: 'ACTIVE', exampleCount: 3, draftStatus: 'UNMODIFIED' });
    expect(mine.description).toBeUndefined();
    expect(mine.tags).toBeUndefined();
    expect((await a.send(new ListDatasetVersionsCommand({ datasetId }))).versions).toHaveLength(1);
  });

  it('hands download links only to the owner; they work without credentials and are bound to one version (expiry: agentcore/downloads.test.ts)', async () => {
    const { downloadUrl } = await a.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }));
    expect(downloadUrl).toMatch(/\/_trove\/downloads\//);
    const fetched = await fetch(downloadUrl!);
    expect(fetched.status).toBe(200);
    expect((await fetched.text()).trim().split('\n')).toHaveLength(3);
    const token = downloadUrl!.split('/_trove/downloads/')[1].split('/')[0];
    const [payload, mac] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    forged.v = 'DRAFT';
    const altered = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    expect((await fetch(downloadUrl!.replace(token, altered))).status).toBe(403);
  });

  it('denies actions and datasets outside a credential\'s allow-lists with AccessDeniedException (403)', async () => {
    const reader = server.agentcore({ credentials: await server.createCredential({ account: A, allowActions: ['bedrock-agentcore:Get*', 'bedrock-agentcore:List*'] }), maxAttempts: 1 });
    await reader.send(new GetDatasetCommand({ datasetId }));
    await reader.send(new ListDatasetExamplesCommand({ datasetId }));
    const denied = await sdkFailure(reader.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('nope')]) })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(denied.message).toMatch(/not authorized to perform: bedrock-agentcore:AddDatasetExamples/);

    const scoped = server.agentcore({ credentials: await server.createCredential({ account: A, allowResources: [`arn:aws:bedrock-agentcore:*:${A}:dataset/other-*`] }), maxAttempts: 1 });
    const outside = await sdkFailure(scoped.send(new GetDatasetCommand({ datasetId })));
    expect(outside).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(outside.message).toContain(`dataset/${datasetId}`);
    expect((await sdkFailure(scoped.send(new CreateDatasetCommand({ datasetName: 'elsewhere', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) })))).name).toBe('AccessDeniedException');
    const { datasetId: otherId } = await scoped.send(new CreateDatasetCommand({ datasetName: 'other', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) }));
    expect(otherId).toMatch(/^other-/);
    // The tag operations name the resource by ARN; the allow-list applies to it as to any other.
    const arnOf = (id: string) => `arn:aws:bedrock-agentcore:us-east-1:${A}:dataset/${id}`;
    expect(await sdkFailure(scoped.send(new TagResourceCommand({ resourceArn: arnOf(datasetId), tags: { k: 'v' } })))).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    await scoped.send(new TagResourceCommand({ resourceArn: arnOf(otherId!), tags: { k: 'v' } }));
    expect((await scoped.send(new ListTagsForResourceCommand({ resourceArn: arnOf(otherId!) }))).tags).toEqual({ k: 'v' });
    // ListDatasets names no resource: allowed, and limited to the account.
    expect((await scoped.send(new ListDatasetsCommand({}))).datasets?.map((d) => d.datasetName).sort()).toEqual(['other', 'private']);
  });
});

describe.each(BACKENDS)('AgentCore (restJson1): throttling per access key (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, throttle: { requestsPerSecond: 2, burst: 1 } });
  });
  afterAll(async () => server?.close());

  it('answers ThrottlingException (429) with maxAttempts 1, and succeeds with the SDK\'s default retries', async () => {
    const once = server.agentcore({ maxAttempts: 1 });
    await once.send(new ListDatasetsCommand({}));
    expect(await sdkFailure(once.send(new ListDatasetsCommand({})))).toMatchObject({ name: 'ThrottlingException', status: 429, attempts: 1 });
    const retrying = server.agentcore();
    await retrying.send(new ListDatasetsCommand({})).catch(() => undefined);
    const output = await retrying.send(new ListDatasetsCommand({}));
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.$metadata.attempts).toBeGreaterThan(1);
  });
});
