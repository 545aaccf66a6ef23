import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BedrockAgentCoreControlClient, CreateDatasetCommand, CreateDatasetVersionCommand, GetDatasetCommand, ListDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { slowDownload, stalledDownload } from '../../harness/downloads.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { peakGrowthDuring, spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

/** Examples of ~1 MiB (AgentCore's largest) and how many: 60 MiB in all, far more than the heap below. */
const EXAMPLE_BYTES = 1_040_000;
const EXAMPLES = 60;
/** The V8 heap of the Trove process under test: a fraction of the dataset. */
const HEAP_MB = 64;
const MB = 1024 * 1024;

/** A predefined example of about EXAMPLE_BYTES bytes of JSON, numbered. */
function bigExample(i: number): Record<string, unknown> {
  const example = { scenario_id: `s${i}`, turns: [{ input: '', expected_response: `answer ${i}` }] };
  example.turns[0].input = `question ${i} `.padEnd(EXAMPLE_BYTES - JSON.stringify(example).length, 'x');
  return example;
}

/**
 * Memory bounded by bytes, not rows, at reduced sizes: a Trove process with a 64 MB heap serves a
 * dataset of 60 examples of ~1 MiB (ListDatasetExamples, downloads with slow and stalled readers)
 * and imports such a file from s3Source. Before, each of these held every example at once and
 * the process died of heap exhaustion; here its peak RSS stays within a bound, too.
 */
describe.each(BACKENDS)('AgentCore examples of 1 MiB in a small heap (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-large-'));
  const buckets = join(dataDir, 'buckets');
  let database: TestDatabase | undefined;
  let trove: TroveProcess;
  let client: BedrockAgentCoreControlClient;
  let datasetId: string;
  const start = async (env: Record<string, string> = {}) => {
    const args = ['--data-dir', dataDir, '--bucket-dir', buckets, ...(database ? ['--database-url', database.url] : [])];
    trove = await spawnTrove(args, env);
    client = new BedrockAgentCoreControlClient({ endpoint: trove.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  };
  const stop = async () => {
    client?.destroy();
    await trove?.stop();
  };
  const alive = () => trove.child.exitCode === null && trove.child.signalCode === null;
  const peakDuring = <T>(fn: () => Promise<T>) => peakGrowthDuring(trove.child.pid!, fn);

  beforeAll(async () => {
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    mkdirSync(join(buckets, 'evals'), { recursive: true });
    const out = createWriteStream(join(buckets, 'evals', 'big.jsonl'));
    for (let i = 0; i < EXAMPLES; i++) if (!out.write(`${JSON.stringify(bigExample(i))}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    // The dataset is made by a process with Node's default heap, then published as version 1.
    await start();
    ({ datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'big', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { s3Source: { s3Uri: 's3://evals/big.jsonl' } },
    })) as { datasetId: string });
    expect(await settled(client, datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: EXAMPLES });
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId);
    await stop();
    await start({ NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` });
  }, 120_000);
  // Each case on a live process of its own heap size, even if an earlier one killed it.
  beforeEach(async () => {
    if (alive()) return;
    await stop();
    await start({ NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` });
  });
  afterAll(async () => {
    await stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists pages that stop before 5 MB, reading only what they return', async () => {
    const { value: pages, growth } = await peakDuring(async () => {
      const seen: { ids: string[]; bytes: number }[] = [];
      for (let nextToken: string | undefined; ;) {
        const response = await fetchPage(nextToken);
        seen.push(response);
        nextToken = response.nextToken;
        if (!nextToken) return seen;
      }
    });
    expect(alive()).toBe(true);
    expect(pages.every((page) => page.bytes < 5 * MB && page.ids.length >= 1)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(EXAMPLES / 5));
    const ids = pages.flatMap((page) => page.ids);
    expect(new Set(ids).size).toBe(EXAMPLES);
    expect(growth).toBeLessThan(120 * MB);

    async function fetchPage(nextToken?: string): Promise<{ ids: string[]; bytes: number; nextToken?: string }> {
      const page = await client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 1000, nextToken }));
      const examples = (page.examples ?? []) as { exampleId: string; scenario_id: string }[];
      const bytes = examples.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
      // Each example whole, as imported.
      for (const { exampleId: _id, ...content } of examples) expect(content).toEqual(bigExample(Number(content.scenario_id.slice(1))));
      return { ids: examples.map((e) => e.exampleId), bytes, nextToken: page.nextToken };
    }
  });

  it('streams a download to a slow reader while other readers stall, holding a page per client', async () => {
    const { downloadUrl } = await client.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }));
    const { value, growth } = await peakDuring(async () => {
      const stalled = await Promise.all(Array.from({ length: 8 }, () => stalledDownload(downloadUrl!)));
      try {
        const slow = await slowDownload(downloadUrl!, 2);
        // Trove still answers while the stalled clients hold their downloads open.
        const health = await fetch(`${trove.url}/_trove/health`);
        return { slow, health: health.status, stalled: stalled.map((s) => s.status) };
      } finally {
        for (const s of stalled) s.socket.destroy();
      }
    });
    expect(alive()).toBe(true);
    expect(value.health).toBe(200);
    expect(value.stalled).toEqual(Array.from({ length: 8 }, () => 200));
    expect(value.slow.status).toBe(200);
    const lines = value.slow.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { exampleId: string; scenario_id: string });
    expect(lines).toHaveLength(EXAMPLES);
    expect(lines.map((line) => line.scenario_id).sort()).toEqual(Array.from({ length: EXAMPLES }, (_, i) => `s${i}`).sort());
    expect(value.slow.body.length).toBeGreaterThan(EXAMPLES * EXAMPLE_BYTES);
    expect(growth).toBeLessThan(150 * MB);
  });

  it('imports an s3Source file of such examples in chunks by bytes', async () => {
    const { value: imported, growth } = await peakDuring(async () => {
      const { datasetId: id } = await client.send(new CreateDatasetCommand({
        datasetName: 'again', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { s3Source: { s3Uri: 's3://evals/big.jsonl' } },
      }));
      for (;;) {
        if (!alive()) throw new Error(`Trove died during the import:\n${trove.output().slice(-1000)}`);
        const d = await client.send(new GetDatasetCommand({ datasetId: id }));
        if (d.status !== 'CREATING') return d;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    expect(imported).toMatchObject({ status: 'ACTIVE', exampleCount: EXAMPLES });
    expect(growth).toBeLessThan(150 * MB);
  });
});
