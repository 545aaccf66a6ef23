import { CreateDatasetCommand, DeleteDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allExamples, inline, predefinedBatch, settled } from '../../harness/agentcore.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/**
 * Two sends of one write with the same client token (an SDK retry after a lost answer, or a client
 * on two nodes) racing on PostgreSQL: both pass the token check before either commits, and the
 * second waits in the dataset's conditional status UPDATE. The first publishes in its accepting
 * transaction, leaving the dataset ACTIVE, so the second's UPDATE then passes: it must replay the
 * first's answer (AWS ignores a repeated token without an error), not apply the batch again
 * (DeleteDatasetExamples would answer ResourceNotFoundException for the ids just deleted).
 */
describe.runIf(POSTGRES_SELECTED)('an AgentCore write and its twin with the same client token, racing on PostgreSQL', () => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  beforeAll(async () => {
    server = await startServer({ backend: 'postgres' });
    client = server.agentcore();
  });
  afterAll(async () => server?.close());

  afterEach(() => server.trove.runner.resume());

  // Published by its accepting transaction, the first leaves the dataset ACTIVE (the second's
  // status UPDATE passes); queued for a runner (paused here, as on a --job-concurrency 0 node or
  // for an s3Source batch), it leaves it UPDATING (the second's UPDATE matches nothing).
  it.each(['published by the request', 'queued for a runner'])('both answer the first one\'s response, and the examples are deleted once (%s)', async (how) => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: `twin_${how.length}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(3)) }));
    await settled(client, datasetId!);
    const [first] = await allExamples(client, datasetId!);
    if (how === 'queued for a runner') server.trove.runner.pause();
    // The dataset row held, as a concurrent write on another node holds it, until both twins wait on it.
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM ac_datasets WHERE dataset_id = $1 FOR UPDATE', [datasetId]);
      const request = { datasetId, exampleIds: [first.exampleId], clientToken: `twin-token-${how.length}-000000000000000000000000000` };
      const twins = [0, 1].map(() => client.send(new DeleteDatasetExamplesCommand(request))
        .then((answer) => ({ deleted: answer.deletedCount }), (error: Error) => ({ error: `${error.name}: ${error.message}` })));
      await eventually(async () => {
        const { rows } = await holder.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows[0].waiting >= 2 ? true : undefined;
      }, 20_000, 'both twins waiting on the dataset row');
      await holder.query('COMMIT');
      expect(await Promise.all(twins)).toEqual([{ deleted: 1 }, { deleted: 1 }]);
    } finally {
      await holder.end();
    }
    server.trove.runner.resume();
    await settled(client, datasetId!);
    expect((await allExamples(client, datasetId!)).length).toBe(2);
  });
});
