import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetExamplesCommand, GetDatasetCommand,
  ListDatasetsCommand, ListDatasetVersionsCommand, UpdateDatasetCommand, UpdateDatasetExamplesCommand, ValidationException,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, predefined, predefinedBatch, inline, settled } from '../../harness/agentcore.js';
import { rawSql } from '../../harness/raw-sql.js';
import { send, signRequest } from '../../harness/sigv4.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

/**
 * A client whose first response is lost after the server has processed the request: the SDK
 * retries (a TimeoutError is transient) with the same clientToken, as it does on real networks.
 */
function clientThatLosesFirstResponse(server: TestServer): { client: BedrockAgentCoreControlClient; sent: string[] } {
  const client = server.agentcore();
  const sent: string[] = [];
  let lost = false;
  client.middlewareStack.add((next) => async (args) => {
    const request = args.request as { body?: string };
    sent.push(String(request.body));
    const result = await next(args);
    if (!lost) {
      lost = true;
      throw Object.assign(new Error('socket hang up after the server answered'), { name: 'TimeoutError', $metadata: {} });
    }
    return result;
  }, { step: 'deserialize', name: 'loseFirstResponse' });
  return { client, sent };
}

describe.each(BACKENDS)('agentcore datasets: clientToken idempotency (%s)', (backend) => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  let datasetId: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.agentcore();
    datasetId = (await client.send(new CreateDatasetCommand({ datasetName: 'idem', schemaType: PREDEFINED, source: inline(predefinedBatch(2)) }))).datasetId!;
    await settled(client, datasetId);
  });
  afterAll(async () => server?.close());

  it('replays the original response for a repeated token and applies the write once', async () => {
    const clientToken = randomUUID();
    const first = await client.send(new AddDatasetExamplesCommand({ datasetId, clientToken, source: inline([predefined('once')]) }));
    await settled(client, datasetId);
    const second = await client.send(new AddDatasetExamplesCommand({ datasetId, clientToken, source: inline([predefined('once')]) }));
    const { $metadata: _a, ...firstBody } = first;
    const { $metadata: _b, ...secondBody } = second;
    // The original answer, status UPDATING included, though the dataset is ACTIVE by now.
    expect(secondBody).toEqual(firstBody);
    expect(second.$metadata.httpStatusCode).toBe(202);
    expect((await settled(client, datasetId)).exampleCount).toBe(3);
    expect((await allExamples(client, datasetId)).filter((e) => e.scenario_id === 'once')).toHaveLength(1);
  });

  it('refuses the same token with a different request (IdempotentParameterMismatchException)', async () => {
    const clientToken = randomUUID();
    await client.send(new AddDatasetExamplesCommand({ datasetId, clientToken, source: inline([predefined('first')]) }));
    await settled(client, datasetId);
    const error = await client.send(new AddDatasetExamplesCommand({ datasetId, clientToken, source: inline([predefined('other')]) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).reason).toBe('IdempotentParameterMismatchException');
    expect((await allExamples(client, datasetId)).some((e) => e.scenario_id === 'other')).toBe(false);
  });

  it('recognises a retry of a request whose token an earlier Trove recorded (fingerprint of the body bytes)', async () => {
    const clientToken = randomUUID();
    const path = `/datasets/${datasetId}/examples/add`;
    const body = JSON.stringify({ clientToken, source: inline([predefined('across the upgrade')]) });
    const signed = () => signRequest(server.url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body }, { ...TEST_CREDENTIALS, service: 'bedrock-agentcore' });
    const first = await send(server.url, await signed());
    expect(first.status).toBe(202);
    await settled(client, datasetId);
    // The token as the earlier release stored it: SHA-256 of method, URL and the body's bytes.
    const earlier = createHash('sha256').update(`POST ${path}\n`).update(body).digest('base64url');
    expect((await rawSql(server, 'UPDATE idempotency_keys SET request_hash = ? WHERE client_token = ?', [earlier, clientToken])).changes).toBe(1);
    const retried = await send(server.url, await signed());
    expect([retried.status, retried.json()]).toEqual([202, first.json()]);
    expect((await allExamples(client, datasetId)).filter((e) => e.scenario_id === 'across the upgrade')).toHaveLength(1);
    // Any other fingerprint is still another request.
    await rawSql(server, 'UPDATE idempotency_keys SET request_hash = ? WHERE client_token = ?', ['x'.repeat(43), clientToken]);
    const refused = await send(server.url, await signed());
    expect([refused.status, refused.json().reason]).toEqual([400, 'IdempotentParameterMismatchException']);
  });

  it('applies a retried request after a lost response exactly once, for every write', async () => {
    const run = async <T>(send: (c: BedrockAgentCoreControlClient) => Promise<T>) => {
      const { client: lossy, sent } = clientThatLosesFirstResponse(server);
      const result = await send(lossy);
      expect(sent).toHaveLength(2);
      expect(JSON.parse(sent[0]).clientToken).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(sent[1]).clientToken).toBe(JSON.parse(sent[0]).clientToken);
      return result;
    };
    const created = await run((c) => c.send(new CreateDatasetCommand({ datasetName: 'lossy', schemaType: PREDEFINED, source: inline(predefinedBatch(3)) })));
    const lossyId = created.datasetId!;
    expect((await client.send(new ListDatasetsCommand({}))).datasets?.filter((d) => d.datasetName === 'lossy')).toHaveLength(1);
    await settled(client, lossyId);
    const added = await run((c) => c.send(new AddDatasetExamplesCommand({ datasetId: lossyId, source: inline(predefinedBatch(2, 'a')) })));
    await settled(client, lossyId);
    const listed = await allExamples(client, lossyId);
    expect(listed.map((e) => e.exampleId).slice(3)).toEqual(added.exampleIds);
    expect(listed).toHaveLength(5);
    await run((c) => c.send(new UpdateDatasetExamplesCommand({ datasetId: lossyId, examples: [{ exampleId: listed[0].exampleId, ...predefined('u') }] })));
    await settled(client, lossyId);
    await run((c) => c.send(new DeleteDatasetExamplesCommand({ datasetId: lossyId, exampleIds: [listed[1].exampleId as string] })));
    await settled(client, lossyId);
    const version = await run((c) => c.send(new CreateDatasetVersionCommand({ datasetId: lossyId })));
    expect(version.datasetVersion).toBe('1');
    await settled(client, lossyId);
    await run((c) => c.send(new UpdateDatasetCommand({ datasetId: lossyId, description: 'lossy' })));
    expect((await client.send(new ListDatasetVersionsCommand({ datasetId: lossyId }))).versions?.map((v) => v.datasetVersion)).toEqual(['1']);
    expect(await client.send(new GetDatasetCommand({ datasetId: lossyId }))).toMatchObject({ exampleCount: 4, description: 'lossy' });
  });
});
