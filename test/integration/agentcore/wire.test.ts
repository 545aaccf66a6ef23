import {
  AccessDeniedException, BedrockAgentCoreControlClient, ConflictException, GetDatasetCommand, InternalServerException,
  ResourceNotFoundException, ServiceQuotaExceededException, ThrottlingException, ValidationException,
} from '@aws-sdk/client-bedrock-agentcore-control';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as errors from '../../../src/api/agentcore/errors.js';
import { httpBindings } from '../../../src/api/agentcore/http-bindings.js';
import { inputShapes } from '../../../src/api/agentcore/inputs.js';
import { Authenticator } from '../../../src/auth/authenticate.js';
import { RateLimiter } from '../../../src/auth/rate-limiter.js';
import { acceptedRegions } from '../../../src/auth/regions.js';
import { systemClock } from '../../../src/lib/clock.js';
import type { Operation } from '../../../src/operations/operation.js';
import { agentCoreService } from '../../../src/protocols/rest-json/agentcore-service.js';
import { restJsonProtocol } from '../../../src/protocols/rest-json/plugin.js';
import { BACKENDS } from '../../harness/backends.js';
import { predefinedBatch } from '../../harness/agentcore.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { signedFetch } from '../../harness/sigv4.js';

describe.each(BACKENDS)('agentcore restJson1 wire format against a real Trove (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  const call = async (method: string, path: string, body?: string | Buffer) => {
    const response = await signedFetch(`${server.url}${path}`, { method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, { service: 'bedrock-agentcore' });
    return { status: response.status, type: response.headers.get('x-amzn-errortype'), requestId: response.headers.get('x-amzn-requestid'), body: await response.json() as Record<string, unknown> };
  };

  it('answers an empty datasetId, unknown routes, unreadable bodies and oversized bodies with modelled errors', async () => {
    expect(await call('GET', '/datasets/')).toMatchObject({ status: 400, type: 'ValidationException', body: { reason: 'FieldValidationFailed' } });
    const unknown = await call('GET', '/datasets/x/nothing');
    expect(unknown).toMatchObject({ status: 404, type: 'ResourceNotFoundException', body: { message: expect.stringContaining('GET /datasets/x/nothing') } });
    expect(unknown.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await call('PATCH', '/datasets/x')).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });
    expect(await call('POST', '/datasets', '{"datasetName":')).toMatchObject({ status: 400, type: 'ValidationException', body: { reason: 'CannotParse' } });
    expect(await call('POST', '/datasets', '[1,2]')).toMatchObject({ status: 400, type: 'ValidationException', body: { reason: 'CannotParse' } });
    expect(await call('GET', '/datasets/%E0%A4%A')).toMatchObject({ status: 400, type: 'ValidationException', body: { reason: 'CannotParse' } });
    expect(await call('GET', '/datasets?maxResults=abc')).toMatchObject({ status: 400, type: 'ValidationException', body: { fieldList: [{ name: 'maxResults' }] } });
    // AWS: 5 MB of inline examples per request.
    const big = JSON.stringify({
      datasetName: 'big', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
      source: { inlineExamples: { examples: predefinedBatch(1000).map((e) => ({ ...e, metadata: { pad: 'x'.repeat(5500) } })) } },
    });
    expect(Buffer.byteLength(big)).toBeGreaterThan(5 * 1024 * 1024);
    // The message names the limit the parser enforces (5 MB), not Fastify's server-wide default.
    expect(await call('POST', '/datasets', big)).toMatchObject({
      status: 400, type: 'ValidationException',
      body: { reason: 'FieldValidationFailed', fieldList: [{ name: 'body', message: 'Member must have length less than or equal to 5242880 bytes' }] },
    });
    // Never a 500: a document nested far deeper than any stack is refused before it is parsed; an
    // example just past its own limit of 100 levels is named in fieldList.
    const nested = (depth: number) => `{"datasetName":"deep","schemaType":"AGENTCORE_EVALUATION_PREDEFINED_V1","source":{"inlineExamples":{"examples":[{"scenario_id":"a","turns":[{"input":"x"}],"metadata":{"d":${'['.repeat(depth)}${']'.repeat(depth)}}}]}}}`;
    expect(await call('POST', '/datasets', nested(200_000))).toMatchObject({ status: 400, type: 'ValidationException', body: { reason: 'CannotParse', message: expect.stringMatching(/deeper than 128 levels/) } });
    expect(await call('POST', '/datasets', nested(100))).toMatchObject({ status: 400, type: 'ValidationException', body: { fieldList: [{ name: 'source.inlineExamples.examples[0]' }] } });
    expect((await call('GET', '/datasets')).status).toBe(200);
    // The other protocol and Trove's own routes are untouched.
    expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
  });

  it('encodes labels and queries as the SDK sends them', async () => {
    const client = server.agentcore();
    const error = await client.send(new GetDatasetCommand({ datasetId: 'a/b c' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).fieldList?.[0]).toMatchObject({ name: 'datasetId' });
  });
});

describe('agentcore restJson1 error rendering, parsed by the official SDK', () => {
  const cases: [errors.AgentCoreError, new (...args: never[]) => Error, number][] = [
    [new errors.ValidationException('bad', 'IdempotentParameterMismatchException', [{ name: 'a', message: 'b' }]), ValidationException, 400],
    [new errors.ConflictException('busy'), ConflictException, 409],
    [new errors.ResourceNotFoundException('gone'), ResourceNotFoundException, 404],
    [new errors.ServiceQuotaExceededException('full'), ServiceQuotaExceededException, 402],
    [new errors.ThrottlingException(), ThrottlingException, 429],
    [new errors.AccessDeniedException(), AccessDeniedException, 403],
    [new errors.InternalServerException(), InternalServerException, 500],
  ];
  let url: string;
  let app: ReturnType<typeof Fastify>;
  let next: errors.AgentCoreError;

  beforeAll(async () => {
    // A restJson1 context whose GetDataset throws the error under test: the one renderer, end to end.
    const operations = new Map<string, Operation<never>>(Object.keys(httpBindings).map((name) => [name, {
      name, input: inputShapes[name as keyof typeof inputShapes], handle: async () => { throw next; },
    }]));
    app = Fastify();
    // The real authenticator, with only the local test/test pair (no credential store).
    const authenticator = new Authenticator({
      credentials: { lookup: async () => undefined, count: async () => 0 }, clock: systemClock, localPairAllowed: true, cacheMs: 0,
      rateLimiter: new RateLimiter({ requestsPerSecond: 0, burst: 1 }, systemClock), regions: acceptedRegions([]),
    });
    await app.register(restJsonProtocol, { service: agentCoreService(operations), bodyLimit: 1024, authenticator });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => app?.close());

  it.each(cases)('renders %s as the SDK\'s typed exception', async (error, type, status) => {
    next = error;
    const client = new BedrockAgentCoreControlClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const thrown = await client.send(new GetDatasetCommand({ datasetId: 'some-id' })).catch((e: unknown) => e) as Record<string, unknown> & Error;
    client.destroy();
    expect(thrown).toBeInstanceOf(type);
    expect(thrown.name).toBe(error.code);
    expect(thrown.message).toBe(error.message);
    expect((thrown.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(status);
    expect(thrown.$fault).toBe(status === 500 ? 'server' : 'client');
    if (error instanceof errors.ValidationException) {
      expect(thrown.reason).toBe('IdempotentParameterMismatchException');
      expect(thrown.fieldList).toEqual([{ name: 'a', message: 'b' }]);
    }
  });
});
