/**
 * UpdateDatasetExamples of 1,000 examples of about 1 KB against a real Trove: time to the 202 and
 * to ACTIVE, against the same work done in-process (Ajv-validating the examples and upserting
 * them with better-sqlite3 directly, WAL + synchronous FULL) in the same run. Measured twice:
 *
 * - plain (issue #16, target baseline / Trove-to-ACTIVE >= 0.5): the request is serialised and
 *   signed before the clock starts and sent with plain fetch; GetDataset is polled with one
 *   pre-signed request. What is timed is the server's work and the loopback transfer.
 * - through the SDK: serialising and signing the 1 MB request take longer than the whole
 *   baseline, so that ratio mostly measures the client.
 *
 *   npx tsx bench/agentcore-update-examples.ts [rounds]
 */
import { BedrockAgentCoreControlClient, ListDatasetExamplesCommand, UpdateDatasetExamplesCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EXAMPLE_SCHEMAS } from '../src/domain/agentcore/example-schemas.js';
import { signRequest } from '../test/harness/sigv4.js';
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

  // Plain: everything the client does before sending happens before the clock starts.
  const signing = { accessKeyId: 'test', secretAccessKey: 'test', region: 'us-east-1', service: 'bedrock-agentcore' };
  const poll = await signRequest(server.url, { method: 'GET', path: `/datasets/${datasetId}`, headers: {} }, signing);
  const plainStatus = async () => {
    const response = await fetch(`${server.url}/datasets/${datasetId}`, { headers: poll.headers });
    return ((await response.json()) as { status: string }).status;
  };
  const plain = { accepted: [] as number[], active: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const examples = ids.map((exampleId, i) => ({ exampleId, ...example(`p${round}-${i}`) }));
    const body = JSON.stringify({ examples, clientToken: randomUUID() });
    const request = await signRequest(server.url, {
      method: 'POST', path: `/datasets/${datasetId}/examples/update`, headers: { 'content-type': 'application/json' }, body,
    }, signing);
    const started = performance.now();
    const response = await fetch(`${server.url}/datasets/${datasetId}/examples/update`, { method: 'POST', headers: request.headers, body });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`UpdateDatasetExamples answered ${response.status}`);
    plain.accepted.push(performance.now() - started);
    // A short pause between polls, so the polling does not take the server's time from the job.
    while (['UPDATING', 'CREATING'].includes(await plainStatus())) await new Promise((resolve) => setTimeout(resolve, 2));
    plain.active.push(performance.now() - started);
    plain.baseline.push(baselineRound(1000 + round));
  }

  const sdk = { accepted: [] as number[], active: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const examples = ids.map((exampleId, i) => ({ exampleId, ...example(`r${round}-${i}`) }));
    const started = performance.now();
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: examples as never[] }));
    sdk.accepted.push(performance.now() - started);
    await untilSettled(client, datasetId);
    sdk.active.push(performance.now() - started);
    sdk.baseline.push(baselineRound(round));
  }
  db.close();
  await server.close();
  const sdkOnly = await sdkSerializationTime(ids);

  console.log(`UpdateDatasetExamples, ${SIZE} examples of ~1 KB, ${ROUNDS} rounds (medians)`);
  for (const [name, m] of [['plain fetch, pre-serialised and pre-signed', plain], ['through the SDK', sdk]] as const) {
    const base = median(m.baseline);
    const toActive = median(m.active);
    const perRound = m.active.map((a, i) => (m.baseline[i] / a).toFixed(2));
    console.log(`  ${name}:`);
    console.log(`    Trove: time to 202     ${ms(median(m.accepted))}`);
    console.log(`    Trove: time to ACTIVE  ${ms(toActive)}`);
    console.log(`    in-process Ajv + better-sqlite3 upsert  ${ms(base)}`);
    console.log(`    ratio baseline / Trove-to-202    = ${(base / median(m.accepted)).toFixed(2)}`);
    console.log(`    ratio baseline / Trove-to-ACTIVE = ${(base / toActive).toFixed(2)}${name === 'through the SDK' ? '' : ' (target >= 0.5)'}; per round ${Math.min(...perRound.map(Number)).toFixed(2)}..${Math.max(...perRound.map(Number)).toFixed(2)}`);
  }
  console.log(`  (the SDK alone, serializing and signing the 1 MB request: ${ms(sdkOnly)})`);
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
