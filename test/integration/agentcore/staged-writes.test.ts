import {
  CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetExamplesCommand, GetDatasetCommand, ResourceNotFoundException,
  UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allExamples, inline, predefined, predefinedBatch, settled, unpublishedRows } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

/**
 * Inline example batches are written by the transaction that accepts them, at the DRAFT's next
 * revision, and published by their job (draft-writer.ts, write-examples.ts): readers see the DRAFT
 * before or after the whole batch, a refused batch leaves nothing behind, and a publish that is
 * lost (it is committed with deferred durability, so a power failure may take it back) is done
 * again from what the accepting transaction made durable.
 */
describe.each(BACKENDS)('agentcore: inline batches staged by the accepting transaction (%s)', (backend) => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.agentcore();
  });
  afterAll(async () => server?.close());

  /** The dataset's store row (its internal id and committed DRAFT revision). */
  const recordOf = async (datasetId: string) => (await server.trove.store.acDatasets.find('000000000000', 'us-east-1', datasetId))!;

  it('shows an accepted update or delete to no reader until its job publishes it, then all of it', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'staged', schemaType: PREDEFINED, source: inline(predefinedBatch(3)) }));
    await settled(client, datasetId!);
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId!);
    const published = await allExamples(client, datasetId!);
    const [first, second, third] = published;
    const { runner } = server.trove;

    runner.pause();
    try {
      await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: first.exampleId, ...predefined('replaced') }] }));
      // Written (the accepting transaction staged one new row version and superseded one), yet unseen.
      expect(await unpublishedRows(server, datasetId!)).toBe(2);
      // Queued under a kind an earlier release does not know: its nodes leave the job to this one
      // (they would take the job's empty body for an empty batch and publish nothing).
      const queued = await server.trove.store.jobs.listOpen({ states: ['QUEUED'], afterId: 0, limit: 100 });
      expect(queued.filter((job) => job.resource.endsWith(datasetId!)).map((job) => job.kind)).toEqual(['agentcore.publish-staged-examples']);
      expect(await client.send(new GetDatasetCommand({ datasetId }))).toMatchObject({ status: 'UPDATING', exampleCount: 3 });
      expect(await allExamples(client, datasetId!)).toEqual(published);
      expect(await allExamples(client, datasetId!, '1')).toEqual(published);
    } finally {
      runner.resume();
    }
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['replaced', 's1', 's2']);
    const draft = await allExamples(client, datasetId!);

    runner.pause();
    try {
      await client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: [second.exampleId, third.exampleId] }));
      expect(await client.send(new GetDatasetCommand({ datasetId }))).toMatchObject({ status: 'UPDATING', exampleCount: 3 });
      expect(await allExamples(client, datasetId!)).toEqual(draft);
    } finally {
      runner.resume();
    }
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 1 });
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['replaced']);
    expect(await allExamples(client, datasetId!, '1')).toEqual(published);
    expect(await unpublishedRows(server, datasetId!)).toBe(0);
  });

  it('publishes an inline batch in the transaction that accepts it while the runner runs: no job, UPDATING answered, ACTIVE read', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'inline_publish', schemaType: PREDEFINED, source: inline(predefinedBatch(3)) }));
    await settled(client, datasetId!);
    const before = await allExamples(client, datasetId!);
    const { runner, store } = server.trove;
    /** Queues a publish-version job with the runner paused and answers its id (job ids are never reused). */
    const versionJobId = async () => {
      runner.pause();
      try {
        await client.send(new CreateDatasetVersionCommand({ datasetId }));
        const queued = await store.jobs.listOpen({ states: ['QUEUED'], afterId: 0, limit: 100 });
        return queued.filter((job) => job.resource.endsWith(datasetId!)).map((job) => job.id);
      } finally {
        runner.resume();
      }
    };
    const [first] = await versionJobId();
    await settled(client, datasetId!);

    const clientToken = 'inline-publish-token-0000000000000000';
    const request = { datasetId, clientToken, examples: [{ exampleId: before[1].exampleId, ...predefined('replaced') }] };
    const answer = await client.send(new UpdateDatasetExamplesCommand(request));
    // AWS: the answer says UPDATING, though the batch is already published here.
    expect(answer).toMatchObject({ datasetId, status: 'UPDATING', updatedCount: 1 });
    expect(await client.send(new GetDatasetCommand({ datasetId }))).toMatchObject({ status: 'ACTIVE', exampleCount: 3, draftStatus: 'MODIFIED' });
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['s0', 'replaced', 's2']);
    expect(await unpublishedRows(server, datasetId!)).toBe(0);
    // A replay answers what the first call answered, and changes nothing.
    const replay = await client.send(new UpdateDatasetExamplesCommand(request));
    expect({ ...replay, $metadata: undefined }).toEqual({ ...answer, $metadata: undefined });

    // No job was queued for the batch: the next job takes the id after the version's.
    await settled(client, datasetId!);
    expect(await versionJobId()).toEqual([first + 1]);
    await settled(client, datasetId!);
  });

  it('leaves nothing behind for a batch refused while it was being written (an unknown id among known ones)', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'refused', schemaType: PREDEFINED, source: inline(predefinedBatch(2)) }));
    await settled(client, datasetId!);
    const before = await allExamples(client, datasetId!);
    const { revision } = await recordOf(datasetId!);
    // The known id comes first: its live row was already superseded when the unknown one was found.
    const refused = client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [
      { exampleId: before[0].exampleId, ...predefined('never') }, { exampleId: 'no-such-example', ...predefined('never') },
    ] }));
    await expect(refused).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await client.send(new GetDatasetCommand({ datasetId }))).toMatchObject({ status: 'ACTIVE', exampleCount: 2 });
    expect(await unpublishedRows(server, datasetId!)).toBe(0);
    expect((await recordOf(datasetId!)).revision).toBe(revision);
    expect(await allExamples(client, datasetId!)).toEqual(before);
  });

  it('publishes again, to the same result, a batch whose publish was lost with its job', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'republished', schemaType: PREDEFINED, source: inline(predefinedBatch(3)) }));
    await settled(client, datasetId!);
    const before = await allExamples(client, datasetId!);
    const { runner, store } = server.trove;

    runner.pause();
    let accepted;
    let job: { kind: string; payload_version: number; resource: string; payload: unknown };
    try {
      await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: before[2].exampleId, ...predefined('replaced') }] }));
      accepted = await recordOf(datasetId!);
      [job] = (await rawSql<typeof job>(server, 'SELECT kind, payload_version, resource, payload FROM jobs WHERE resource = ?', [accepted.arn])).rows;
    } finally {
      runner.resume();
    }
    const published = await settled(client, datasetId!);
    const after = await allExamples(client, datasetId!);
    expect(after.map((e) => e.scenario_id)).toEqual(['s0', 's1', 'replaced']);

    // What a power failure after the publish's commit (not synced) may leave: the accepting
    // transaction's state, durable, and the job row the publish deleted. The runner is paused
    // meanwhile, or its next poll could publish before the state before is read.
    runner.pause();
    await rawSql(server, 'UPDATE ac_datasets SET revision = ?, example_count = ?, next_seq = ?, status = ?, updated_at = ? WHERE id = ?',
      [accepted.revision, accepted.exampleCount, accepted.nextSeq, 'UPDATING', accepted.updatedAt, accepted.id]);
    await rawSql(server, 'DELETE FROM revisions WHERE scope = ? AND dataset_id = ? AND revision > ?', ['agentcore', accepted.id, accepted.revision]);
    await store.jobs.enqueue({
      kind: job!.kind, payloadVersion: Number(job!.payload_version), resource: job!.resource,
      payload: typeof job!.payload === 'string' ? JSON.parse(job!.payload) : job!.payload, runAfter: Date.now(), createdAt: Date.now(),
    });
    expect(await allExamples(client, datasetId!)).toEqual(before);
    runner.resume();

    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: published.exampleCount, draftStatus: 'MODIFIED' });
    expect(await allExamples(client, datasetId!)).toEqual(after);
    expect((await recordOf(datasetId!)).revision).toBe(accepted.revision + 1);
  });
});
