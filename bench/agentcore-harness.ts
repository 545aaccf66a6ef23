import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddDatasetExamplesCommand, BedrockAgentCoreControlClient, CreateDatasetCommand, GetDatasetCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { loadConfig } from '../src/config/load.js';
import type { DeepPartial } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { createLogger } from '../src/observability/logger.js';
import { startTrove } from '../src/trove.js';
import type { Trove } from '../src/trove.js';

/**
 * A real Trove in its own process (`trove serve` from the sources through tsx: SQLite WAL,
 * synchronous FULL), so the benchmark's client never shares an event loop with the server.
 */
export async function spawnBenchServer(args: string[] = []): Promise<{
  url: string; client: BedrockAgentCoreControlClient; dataDir: string; pid: number; output(): string; close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-bench-'));
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', MAIN, 'serve', '--port', '0', '--log-level', 'warn', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`trove exited with ${code}:\n${output}`)));
  });
  const client = new BedrockAgentCoreControlClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    url, client, dataDir, pid: child.pid!,
    output: () => output,
    async close() {
      client.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A real Trove in this process (for benchmarks that need its internals) and an SDK client. */
export async function benchServer(overrides: DeepPartial<Config> = {}): Promise<{
  trove: Trove; client: BedrockAgentCoreControlClient; dataDir: string; close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-bench-'));
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', ...overrides } });
  const trove = await startTrove(config, createLogger('silent'));
  const client = new BedrockAgentCoreControlClient({
    endpoint: trove.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    trove, client, dataDir,
    async close() {
      client.destroy();
      await trove.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** A predefined example of about `bytes` bytes of JSON. */
export function example(tag: string, bytes = 1000): Record<string, unknown> {
  const base = { scenario_id: tag, turns: [{ input: '', expected_response: `answer for ${tag}` }], assertions: ['the agent answers'] };
  base.turns[0].input = `question ${tag} `.padEnd(Math.max(10, bytes - JSON.stringify(base).length), 'x');
  return base;
}

/** Polls GetDataset until the dataset is no longer CREATING/UPDATING/DELETING. */
export async function untilSettled(client: BedrockAgentCoreControlClient, datasetId: string): Promise<string> {
  for (;;) {
    const { status } = await client.send(new GetDatasetCommand({ datasetId }));
    if (status !== 'CREATING' && status !== 'UPDATING' && status !== 'DELETING') return status!;
  }
}

/** Creates a dataset and fills it with `count` examples, 1000 per request. */
export async function filledDataset(client: BedrockAgentCoreControlClient, name: string, count: number, bytes: number): Promise<string> {
  const first = Math.min(1000, count);
  const { datasetId } = await client.send(new CreateDatasetCommand({
    datasetName: name, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
    source: { inlineExamples: { examples: Array.from({ length: first }, (_, i) => example(`${name}-${i}`, bytes)) as never[] } },
  }));
  await untilSettled(client, datasetId!);
  for (let done = first; done < count; done += 1000) {
    const n = Math.min(1000, count - done);
    await client.send(new AddDatasetExamplesCommand({
      datasetId, source: { inlineExamples: { examples: Array.from({ length: n }, (_, i) => example(`${name}-${done + i}`, bytes)) as never[] } },
    }));
    await untilSettled(client, datasetId!);
  }
  return datasetId!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}
