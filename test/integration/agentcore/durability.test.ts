import {
  AddDatasetExamplesCommand, BedrockAgentCoreControlClient, CreateDatasetCommand, GetDatasetCommand, ListDatasetsCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allExamples, settled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import type { Example } from '../../harness/agentcore.js';
import { spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { rawSql } from '../../harness/raw-sql.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

// Eight one-at-a-time jobs of ~0.5 MB each take far longer than accepting them, so some are always left at the kill.
const DATASETS = 8;
const BATCH = 500;
const example = (tag: string, i: number): Example => ({
  scenario_id: `${tag}-${i}`, turns: [{ input: `question ${i} ${'q'.repeat(900)}`, expected_response: `answer ${i}` }],
});
const batch = (tag: string) => Array.from({ length: BATCH }, (_, i) => example(tag, i));

describe.each(BACKENDS)('agentcore datasets: kill -9 while jobs are pending or running (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-ac-kill-'));
  let trove: TroveProcess | undefined;
  let database: TestDatabase | undefined;
  // PostgreSQL: the restarted node takes the killed node's running jobs over once their lease (2 s here) expires.
  const storeArgs = async () => backend === 'sqlite'
    ? ['--data-dir', dataDir]
    : ['--data-dir', dataDir, '--database-url', (database ??= await createTestDatabase()).url, '--job-lease-ms', '2000', '--job-poll-ms', '200'];
  /** Jobs left in the store of a killed server. */
  const openJobs = async () => (await rawSql<{ n: number }>({ dataDir, databaseUrl: database?.url }, 'SELECT COUNT(*) AS n FROM jobs')).rows[0].n;
  const clients: BedrockAgentCoreControlClient[] = [];
  const connect = (url: string) => {
    const client = new BedrockAgentCoreControlClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    clients.push(client);
    return client;
  };
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await trove?.stop('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every accepted write exactly once after a restart, with no dataset left in progress and no half batch visible', async () => {
    const args = [...(await storeArgs()), '--job-concurrency', '1'];
    // A node that runs no jobs: what it accepts is certainly still pending when it is killed.
    const acceptOnly = [...(await storeArgs()), '--job-concurrency', '0'];
    trove = await spawnTrove(args);
    let client = connect(trove.url);

    // Round 1: creations accepted (202), then kill -9 at once, with the jobs pending, running or
    // (rarely, on a fast machine) done: every assertion below holds in each case.
    const created = await Promise.all(Array.from({ length: DATASETS }, (_, d) => client.send(new CreateDatasetCommand({
      datasetName: `durable_${d}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: batch(`c${d}`) } },
    }))));
    await trove.stop('SIGKILL');

    trove = await spawnTrove(args);
    client = connect(trove.url);
    for (const { datasetId } of created) expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: BATCH });

    // Round 2: one add per dataset accepted by a node that runs no jobs, each with a client
    // token; kill -9 again, with every one of them certainly pending.
    await trove.stop('SIGTERM');
    trove = await spawnTrove(acceptOnly);
    client = connect(trove.url);
    const tokens = created.map(() => randomUUID());
    const added = await Promise.all(created.map(({ datasetId }, d) => client.send(new AddDatasetExamplesCommand({
      datasetId, clientToken: tokens[d], source: { inlineExamples: { examples: batch(`a${d}`) } },
    }))));
    await trove.stop('SIGKILL');
    expect(await openJobs()).toBe(DATASETS);

    trove = await spawnTrove(args);
    client = connect(trove.url);
    // While the resumed jobs run, a reader sees each dataset before or after its batch, never half of it.
    const seen = new Set<number>();
    for (;;) {
      const counts = await Promise.all(created.map(async ({ datasetId }) => (await allExamples(client, datasetId!)).length));
      for (const count of counts) seen.add(count);
      const statuses = await Promise.all(created.map(async ({ datasetId }) => (await client.send(new GetDatasetCommand({ datasetId }))).status));
      if (statuses.every((s) => s === 'ACTIVE')) break;
    }
    expect([...seen].every((count) => count === BATCH || count === 2 * BATCH)).toBe(true);

    // A client retrying after the crash gets the original answer and nothing is applied twice.
    const retried = await Promise.all(created.map(({ datasetId }, d) => client.send(new AddDatasetExamplesCommand({
      datasetId, clientToken: tokens[d], source: { inlineExamples: { examples: batch(`a${d}`) } },
    }))));
    expect(retried.map((r) => r.exampleIds)).toEqual(added.map((a) => a.exampleIds));

    const { datasets } = await client.send(new ListDatasetsCommand({}));
    expect(datasets?.map((d) => d.status)).toEqual(Array(DATASETS).fill('ACTIVE'));
    for (const [d, { datasetId }] of created.entries()) {
      const examples = await allExamples(client, datasetId!);
      const expected = [...batch(`c${d}`), ...batch(`a${d}`)].map((e) => e.scenario_id);
      expect(examples.map((e) => e.scenario_id)).toEqual(expected);
      expect(examples.slice(BATCH).map((e) => e.exampleId)).toEqual(added[d].exampleIds);
      expect((await settled(client, datasetId!)).exampleCount).toBe(2 * BATCH);
    }
  });
});
