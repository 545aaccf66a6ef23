/**
 * UpdateDatasetExamples of 1,000 examples of about 1 KB through the SDK against a real Trove:
 * time to the 202 and to ACTIVE, against the same work done in-process (Ajv-validating the
 * examples and upserting them with better-sqlite3 directly, WAL + synchronous FULL) in the same
 * run. Target: baseline / Trove-to-ACTIVE >= 0.5.
 *
 *   npx tsx bench/agentcore-update-examples.ts [rounds]
 */
import { BedrockAgentCoreControlClient, ListDatasetExamplesCommand, UpdateDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EXAMPLE_SCHEMAS } from '../src/domain/agentcore/example-schemas.js';
import { example, filledDataset, median, ms, spawnBenchServer, untilSettled } from './agentcore-harness.js';

const ROUNDS = Number(process.argv[2] ?? 20);
const SIZE = 1000;

async function main(): Promise<void> {
  const server = await spawnBenchServer();
  const { client } = server;
  const datasetId = await filledDataset(client, 'bench_update', SIZE, 1000);
  const ids = (await client.send(new ListDatasetExamplesCommand({ datasetId }))).examples!.map((e) => (e as { exampleId: string }).exampleId);

  // Baseline: the same validation and upsert, in-process, on a database beside Trove's.
  const db = new Database(join(server.dataDir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE examples (example_id TEXT PRIMARY KEY, content TEXT NOT NULL)');
  const upsert = db.prepare('INSERT INTO examples (example_id, content) VALUES (?, ?) ON CONFLICT (example_id) DO UPDATE SET content = excluded.content');
  const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(EXAMPLE_SCHEMAS.AGENTCORE_EVALUATION_PREDEFINED_V1);
  const baselineRound = (round: number) => {
    const examples = ids.map((exampleId, i) => ({ exampleId, ...example(`r${round}-${i}`) }));
    const started = performance.now();
    const rows = examples.map(({ exampleId, ...content }) => {
      if (!validate(content)) throw new Error('invalid');
      return [exampleId, JSON.stringify(content)] as const;
    });
    db.transaction(() => {
      for (const [id, content] of rows) upsert.run(id, content);
    })();
    return performance.now() - started;
  };
  baselineRound(-1);

  const accepted: number[] = [];
  const active: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const examples = ids.map((exampleId, i) => ({ exampleId, ...example(`r${round}-${i}`) }));
    const started = performance.now();
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: examples as never[] }));
    accepted.push(performance.now() - started);
    await untilSettled(client, datasetId);
    active.push(performance.now() - started);
    baseline.push(baselineRound(round));
  }
  db.close();
  await server.close();
  const sdkOnly = await sdkSerializationTime(ids);

  const base = median(baseline);
  const toActive = median(active);
  console.log(`UpdateDatasetExamples, ${SIZE} examples of ~1 KB, ${ROUNDS} rounds (medians)`);
  console.log(`  Trove: time to 202     ${ms(median(accepted))}`);
  console.log(`  Trove: time to ACTIVE  ${ms(toActive)}`);
  console.log(`  in-process Ajv + better-sqlite3 upsert  ${ms(base)}`);
  console.log(`  ratio baseline / Trove-to-202    = ${(base / median(accepted)).toFixed(2)}`);
  console.log(`  ratio baseline / Trove-to-ACTIVE = ${(base / toActive).toFixed(2)} (target >= 0.5)`);
  console.log(`  (of which the SDK alone, serializing and signing the 1 MB request: ${ms(sdkOnly)})`);
}

/** How long the SDK takes to serialize and sign the request before anything is sent. */
async function sdkSerializationTime(ids: readonly string[]): Promise<number> {
  const client = new BedrockAgentCoreControlClient({
    endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
  });
  let started = 0;
  const times: number[] = [];
  client.middlewareStack.add(() => async () => {
    times.push(performance.now() - started);
    throw new Error('measured');
  }, { step: 'finalizeRequest', priority: 'low', name: 'stopBeforeSending' });
  for (let round = 0; round < ROUNDS; round++) {
    const examples = ids.map((exampleId, i) => ({ exampleId, ...example(`s${round}-${i}`) }));
    started = performance.now();
    await client.send(new UpdateDatasetExamplesCommand({ datasetId: 'd', examples: examples as never[] })).catch(() => undefined);
  }
  client.destroy();
  return median(times);
}

await main();
