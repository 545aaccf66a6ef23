import {
  AddDatasetExamplesCommand, ConflictException, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand,
  DeleteDatasetExamplesCommand, GetDatasetCommand, ListDatasetExamplesCommand, ListDatasetVersionsCommand,
  ServiceQuotaExceededException, ThrottlingException, UpdateDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, predefined, predefinedBatch, inline, settled } from '../../harness/agentcore.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

async function conflict(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConflictException);
  expect((error as ConflictException).$metadata.httpStatusCode).toBe(409);
  expect((error as ConflictException).message).toMatch(new RegExp(`^${code}: `));
}

describe.each(BACKENDS)('agentcore datasets: statuses and their guards (%s)', (backend) => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.agentcore();
  });
  afterAll(async () => server?.close());

  it('shows CREATING and UPDATING while jobs are pending and refuses writes with ConflictException', async () => {
    const runner = server.trove.runner;
    runner.pause();
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'guarded', schemaType: PREDEFINED, source: inline(predefinedBatch(2)) }));
    const creating = await client.send(new GetDatasetCommand({ datasetId }));
    expect(creating).toMatchObject({ status: 'CREATING', exampleCount: 0 });
    // AWS: no download URL until the file exists.
    expect(creating.downloadUrl).toBeUndefined();
    expect((await client.send(new ListDatasetExamplesCommand({ datasetId }))).examples).toEqual([]);
    await conflict(client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('a')]) })), 'DATASET_NOT_READY');
    await conflict(client.send(new UpdateDatasetCommand({ datasetId, description: 'x' })), 'DATASET_NOT_READY');
    await conflict(client.send(new CreateDatasetVersionCommand({ datasetId })), 'DATASET_NOT_READY');
    await conflict(client.send(new DeleteDatasetCommand({ datasetId })), 'DATASET_NOT_READY');
    runner.resume();
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 2 });

    runner.pause();
    expect((await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('b')]) }))).status).toBe('UPDATING');
    expect(await client.send(new GetDatasetCommand({ datasetId }))).toMatchObject({ status: 'UPDATING', exampleCount: 2 });
    // The DRAFT as last committed stays readable, and a half-applied batch is never visible.
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['s0', 's1']);
    await conflict(client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: ['x'] })), 'DATASET_NOT_READY');
    await conflict(client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: 'x', ...predefined('x') }] })), 'DATASET_NOT_READY');
    runner.resume();
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });

    runner.pause();
    const deleting = await client.send(new DeleteDatasetCommand({ datasetId }));
    expect(deleting.status).toBe('DELETING');
    // AWS: DeleteDataset is idempotent; reads are allowed while DELETING.
    expect((await client.send(new DeleteDatasetCommand({ datasetId }))).status).toBe('DELETING');
    expect((await client.send(new GetDatasetCommand({ datasetId }))).status).toBe('DELETING');
    expect((await client.send(new ListDatasetVersionsCommand({ datasetId }))).versions).toEqual([]);
    await conflict(client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('c')]) })), 'DATASET_NOT_READY');
    runner.resume();
    await server.trove.runner.idle();
  });

  it('reports failed states with failureReason and applies the failed-state guards', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'failing', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) }));
    await settled(client, datasetId!);
    const record = (await server.trove.store.acDatasets.find('000000000000', 'us-east-1', datasetId!))!;
    // A job that gave up leaves the dataset CREATE_FAILED (its attempts are exhausted); set it directly to test the guards.
    await server.trove.store.acDatasets.setStatus(record.id, { status: 'CREATE_FAILED', failureReason: 'ingestion failed', updatedAt: Date.now() });
    expect(await client.send(new GetDatasetCommand({ datasetId }))).toMatchObject({ status: 'CREATE_FAILED', failureReason: 'ingestion failed' });
    await conflict(client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: 'x', ...predefined('x') }] })), 'DATASET_IN_FAILED_STATE');
    await conflict(client.send(new CreateDatasetVersionCommand({ datasetId })), 'DATASET_IN_FAILED_STATE');
    // AWS: Add is allowed from CREATE_FAILED, and ACTIVE clears failureReason.
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('again')]) }));
    const recovered = await settled(client, datasetId!);
    expect(recovered.status).toBe('ACTIVE');
    expect(recovered.failureReason).toBeUndefined();

    await server.trove.store.acDatasets.setStatus(record.id, { status: 'DELETE_FAILED', failureReason: 'delete failed', updatedAt: Date.now() });
    await conflict(client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('no')]) })), 'DATASET_IN_FAILED_STATE');
    // AWS: calling DeleteDataset again re-triggers the delete.
    expect((await client.send(new DeleteDatasetCommand({ datasetId }))).status).toBe('DELETING');
    await server.trove.runner.idle();
  });

  it('refuses to delete the last published version', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'versions', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) }));
    await settled(client, datasetId!);
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId!);
    await expect(client.send(new DeleteDatasetCommand({ datasetId, datasetVersion: '1' }))).rejects.toBeInstanceOf(ConflictException);
  });
});

describe.each(BACKENDS)('agentcore datasets: quotas and throttling (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend,
      agentcore: { maxDatasetsPerAccount: 2, maxExamplesPerDataset: 5, maxVersionsPerDataset: 2, maxExampleBytes: 300 },
      throttle: { requestsPerSecond: 20, burst: 20 },
    });
  });
  afterAll(async () => server?.close());

  async function quota(promise: Promise<unknown>): Promise<void> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect((error as ServiceQuotaExceededException).$metadata.httpStatusCode).toBe(402);
  }

  it('answers every configured quota with ServiceQuotaExceededException (402)', async () => {
    const client = server.agentcore();
    await quota(client.send(new CreateDatasetCommand({ datasetName: 'toobig', schemaType: PREDEFINED, source: inline(predefinedBatch(6)) })));
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'q1', schemaType: PREDEFINED, source: inline(predefinedBatch(4)) }));
    await settled(client, datasetId!);
    await quota(client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(2, 'more')) })));
    const huge = { ...predefined('huge'), metadata: { pad: 'x'.repeat(400) } };
    await quota(client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([huge]) })));
    const [first] = await allExamples(client, datasetId!);
    await quota(client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ ...huge, exampleId: first.exampleId }] })));
    expect((await settled(client, datasetId!)).exampleCount).toBe(4);
    for (let i = 0; i < 2; i++) {
      await client.send(new CreateDatasetVersionCommand({ datasetId }));
      await settled(client, datasetId!);
    }
    await quota(client.send(new CreateDatasetVersionCommand({ datasetId })));
    await client.send(new CreateDatasetCommand({ datasetName: 'q2', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) }));
    await quota(client.send(new CreateDatasetCommand({ datasetName: 'q3', schemaType: PREDEFINED, source: inline(predefinedBatch(1)) })));
  });

  it('throttles a caller that goes over its request rate with ThrottlingException (429)', async () => {
    const client = server.agentcore({ maxAttempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => client.send(new ListDatasetVersionsCommand({ datasetId: 'none-0123456789' }))));
    const throttled = results.filter((r) => r.status === 'rejected' && r.reason instanceof ThrottlingException);
    expect(throttled.length).toBeGreaterThan(0);
    expect((throttled[0] as PromiseRejectedResult).reason.$metadata.httpStatusCode).toBe(429);
  });
});
