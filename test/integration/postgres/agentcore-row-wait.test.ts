import { AddDatasetExamplesCommand, ConflictException, CreateDatasetCommand, GetDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASET_ROW_WAIT_MS } from '../../../src/domain/agentcore/accept-write.js';
import { allExamples, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/**
 * A write of an AgentCore dataset whose row another transaction holds (another write, on this
 * node or another, publishing its batch) waits for it on PostgreSQL, but only DATASET_ROW_WAIT_MS:
 * then it answers ConflictException (DATASET_NOT_READY) and gives its pool connection back,
 * rather than queueing for as long as the holder and every writer ahead of it take.
 */
describe.runIf(POSTGRES_SELECTED)('an AgentCore write waiting on its dataset row held by another transaction (PostgreSQL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend: 'postgres' });
  });
  afterAll(async () => server?.close());

  it('answers ConflictException once the wait passes, while the row is still held, and leaves the dataset as it was', async () => {
    const client = server.agentcore();
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'held', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(2)) }));
    await settled(client, datasetId!);
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM ac_datasets WHERE dataset_id = $1 FOR UPDATE', [datasetId]);
      const answer = client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('refused')]) }))
        .then(() => 'accepted', (error: unknown) => error);
      // Held past the wait: the answer must come while the row is still held (the old code waited for the COMMIT).
      const held = new Promise((resolve) => setTimeout(() => resolve('still waiting'), DATASET_ROW_WAIT_MS + 4_000));
      const outcome = await Promise.race([answer, held]);
      expect(outcome).toBeInstanceOf(ConflictException);
      expect((outcome as ConflictException).message).toMatch(/^DATASET_NOT_READY: /);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    // Nothing of the refused write stayed: the dataset is ACTIVE and takes the next write.
    expect((await client.send(new GetDatasetCommand({ datasetId }))).status).toBe('ACTIVE');
    expect((await allExamples(client, datasetId!)).length).toBe(2);
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('next')]) }));
    await settled(client, datasetId!);
    expect((await allExamples(client, datasetId!)).length).toBe(3);
  });
});
