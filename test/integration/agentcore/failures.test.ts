import {
  AddDatasetExamplesCommand, CreateDatasetCommand, GetDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, inline, predefined, predefinedBatch, settled, unpublishedRows } from '../../harness/agentcore.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('agentcore datasets: jobs that keep failing (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, jobs: { maxAttempts: 1 } });
  });
  afterAll(async () => server?.close());

  /**
   * Breaks every pending job (another connection): its payload names a revision the dataset is
   * not about to publish, which the job refuses. The examples it was to publish are in the store.
   */
  const corruptPendingJobs = async () => {
    const jobs = (await rawSql<{ id: number; payload: string }>(server, "SELECT id, payload FROM jobs WHERE state = 'pending'")).rows;
    for (const job of jobs) {
      const payload = JSON.parse(job.payload) as { staged: { revision: number } };
      expect(payload.staged.revision).toBeGreaterThan(0);
      await rawSql(server, 'UPDATE jobs SET payload = ? WHERE id = ?', [JSON.stringify({ ...payload, staged: { ...payload.staged, revision: 99 } }), job.id]);
    }
    return jobs.length;
  };

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
    expect(await unpublishedRows(server, datasetId!)).toBe(0);

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
    // The examples the accepting transaction wrote for the refused batch are gone from the store.
    expect(await unpublishedRows(server, datasetId!)).toBe(0);
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: before[0].exampleId, ...predefined('changed again') }] }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 2 });
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['changed again', before[1].scenario_id]);
  });
});
