import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { Balancer, startCluster } from '../../harness/cluster/cluster.js';
import type { Cluster } from '../../harness/cluster/cluster.js';
import { agentCoreWorker } from '../../harness/cluster/agentcore-workload.js';
import { rekognitionWorker } from '../../harness/cluster/rekognition-workload.js';
import type { WorkloadWorker } from '../../harness/cluster/workload.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { eventually, TEST_CREDENTIALS } from '../../harness/server.js';

const NODES = 3;
const WORKERS = 6;
const ROUNDS = 4;

/**
 * Three real Trove processes on one PostgreSQL. Concurrent SDK clients spread over all nodes
 * run mixed updates of both APIs (Rekognition entries, AgentCore examples); one node is killed
 * with SIGKILL while it runs jobs. Afterwards every accepted request is applied exactly once,
 * nothing is left in progress, and each dataset equals the serial replay of its accepted requests.
 */
describe.runIf(POSTGRES_SELECTED)('a three-node cluster survives kill -9 of a node', () => {
  let database: TestDatabase;
  let cluster: Cluster;
  let db: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase('trove_cluster');
    cluster = await startCluster(NODES, database.url);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
    await database?.drop();
  });

  it('applies every accepted request exactly once and leaves nothing in progress', { timeout: 180_000 }, async () => {
    const clients = cluster.nodes.map((node) => new RekognitionClient({
      endpoint: node.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1,
    }));
    const agentCoreClients = cluster.nodes.map((node) => new BedrockAgentCoreControlClient({
      endpoint: node.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1,
    }));
    const balancer = new Balancer(clients);
    const agentCoreBalancer = new Balancer(agentCoreClients);
    // Half the clients work on Rekognition datasets, half on AgentCore datasets, all at once.
    const workers: WorkloadWorker[] = Array.from({ length: WORKERS }, (_, i) => (i % 2 === 0
      ? rekognitionWorker(i, balancer)
      : agentCoreWorker(i, agentCoreBalancer, db)));
    await Promise.all(workers.map((worker) => worker.setup()));

    const victim = cluster.nodes[1];
    const runningOnVictim = async () => Number((await db.query<{ n: string }>(
      "SELECT COUNT(*) AS n FROM jobs WHERE state = 'running' AND lease_owner LIKE $1", [`%/${victim.pid}/%`],
    )).rows[0].n);
    // Kill the victim while it holds the lease of a running job AND a request sent to it is in
    // flight (that client cannot know whether it was accepted, and must look).
    let jobsKilled = -1;
    const killed = (async () => {
      await eventually(async () => ((await runningOnVictim()) > 0 ? true : undefined), 60_000, 'a job running on the victim');
      for (let attempt = 0; jobsKilled < 0; attempt++) {
        const fallback = setTimeout(() => balancer.fireArmed(), 2_000);
        jobsKilled = await balancer.duringNextMutation(victim.index, async () => {
          const running = await runningOnVictim();
          if (running === 0 && attempt < 20) return -1;
          await victim.process.stop('SIGKILL');
          return running;
        }, 15);
        clearTimeout(fallback);
      }
    })();
    await Promise.all(workers.map(async (worker) => {
      for (let round = 0; round < ROUNDS; round++) await worker.round(round);
    }));
    await killed;
    expect(jobsKilled).toBeGreaterThan(0);

    const { rows: open } = await db.query('SELECT id, kind, state, attempts FROM jobs');
    expect(open).toEqual([]);
    const { rows: busy } = await db.query("SELECT arn, status FROM rk_datasets WHERE status LIKE '%_IN_PROGRESS'");
    expect(busy).toEqual([]);
    const { rows: busyAgentCore } = await db.query("SELECT dataset_id, status FROM ac_datasets WHERE status IN ('CREATING', 'UPDATING', 'DELETING')");
    expect(busyAgentCore).toEqual([]);
    for (const worker of workers) await worker.verify(db);

    const total = workers.reduce((sum, w) => ({ sent: sum.sent + w.counts.sent, accepted: sum.accepted + w.counts.accepted, inDoubt: sum.inDoubt + w.counts.inDoubt }), { sent: 0, accepted: 0, inDoubt: 0 });
    expect(total.sent).toBe(WORKERS * ROUNDS);
    expect(total.accepted).toBeGreaterThan(0);
    for (const client of [...clients, ...agentCoreClients]) client.destroy();
  });
});
