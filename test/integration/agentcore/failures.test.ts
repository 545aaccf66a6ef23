import {
  AddDatasetExamplesCommand, CreateDatasetCommand, GetDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('agentcore datasets: jobs that keep failing (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, jobs: { maxAttempts: 1 } });
  });
  afterAll(async () => server?.close());

  /** Breaks the payload of every pending job (another connection, as a disk fault would). */
  const corruptPendingJobs = async () =>
    (await rawSql(server, "UPDATE job_bodies SET body = ? WHERE job_id IN (SELECT id FROM jobs WHERE state = 'pending')", [Buffer.from([0])])).changes;

  it('ends in CREATE_FAILED or UPDATE_FAILED with a failureReason, having written nothing', async () => {
    const client = server.agentcore();
    const runner = server.trove.runner;
    runner.pause();
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'broken', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(3)),
    }));
    expect(await corruptPendingJobs()).toBe(1);
    runner.resume();
    const failed = await settled(client, datasetId!);
    expect(failed).toMatchObject({ status: 'CREATE_FAILED', exampleCount: 0 });
    expect(failed.failureReason).toMatch(/could not apply/);
    expect(await allExamples(client, datasetId!)).toEqual([]);

    // AWS: AddDatasetExamples is allowed from CREATE_FAILED; ACTIVE clears failureReason.
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(2)) }));
    const recovered = await settled(client, datasetId!);
    expect(recovered.status).toBe('ACTIVE');
    expect(recovered.failureReason).toBeUndefined();
    const before = await allExamples(client, datasetId!);

    runner.pause();
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: before[0].exampleId, ...predefined('changed') }] }));
    expect(await corruptPendingJobs()).toBe(1);
    runner.resume();
    const updateFailed = await settled(client, datasetId!);
    expect(updateFailed).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 2 });
    expect(updateFailed.failureReason).toMatch(/could not apply/);
    expect(await allExamples(client, datasetId!)).toEqual(before);
    expect((await client.send(new GetDatasetCommand({ datasetId }))).draftStatus).toBe('MODIFIED');
  });
});
