// `trove sync`: make an AgentCore dataset's DRAFT equal to a local JSONL file, by exampleId,
// through the public AgentCore API (the official SDK client), so it works against any Trove and
// against AWS itself.
//
// Unlike AWS's own AgentCore CLI, which deletes every example whose id the file lacks, a sync that
// would delete more than a share of the dataset stops unless forced: a file without ids, or the
// wrong file, must not empty a dataset. Re-running a sync is harmless: the plan is computed from
// what the DRAFT holds now, so a sync that was interrupted only finishes what is left; and each
// call's clientToken is derived from the DRAFT's state before the sync and the call's content, so
// a call retried after a lost answer is applied once (AgentCore replays the first answer).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  AddDatasetExamplesCommand, DeleteDatasetExamplesCommand, GetDatasetCommand, ListDatasetExamplesCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import type { DocumentType } from '@smithy/types';

/** Per call: AgentCore takes at most 1000 examples (and 5 MB) a request. */
const BATCH_EXAMPLES = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;
const BUSY = new Set(['CREATING', 'UPDATING', 'DELETING']);

export interface SyncPlan {
  readonly add: string[];
  readonly update: string[];
  readonly delete: string[];
  unchanged: number;
  readonly remoteCount: number;
  readonly localCount: number;
  /** Hash of the DRAFT as listed (ids and contents, in order): what the calls' client tokens start from. */
  readonly state: string;
}

export class SyncRefused extends Error {}

/** An example's content (without exampleId) as canonical JSON: object keys sorted, so key order never counts as a change. */
export function contentHash(example: Record<string, unknown>): string {
  const { exampleId: _id, ...content } = example;
  return createHash('sha256').update(canonical(content)).digest('base64url');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The file's examples by id: content hashes only (contents are read again when sent). */
export async function readLocal(path: string): Promise<Map<string, string>> {
  const examples = new Map<string, string>();
  for await (const { lineNumber, example } of localExamples(path)) {
    const id = example.exampleId;
    if (typeof id !== 'string' || id === '') throw new SyncRefused(`${path} line ${lineNumber}: every example needs a string "exampleId" (sync matches examples by id).`);
    if (examples.has(id)) throw new SyncRefused(`${path} line ${lineNumber}: exampleId ${id} appears twice.`);
    examples.set(id, contentHash(example));
  }
  return examples;
}

async function* localExamples(path: string): AsyncGenerator<{ lineNumber: number; example: Record<string, unknown> }> {
  let lineNumber = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let example: unknown;
    try {
      example = JSON.parse(line);
    } catch {
      throw new SyncRefused(`${path} line ${lineNumber}: not valid JSON.`);
    }
    if (typeof example !== 'object' || example === null || Array.isArray(example)) throw new SyncRefused(`${path} line ${lineNumber}: not a JSON object.`);
    yield { lineNumber, example: example as Record<string, unknown> };
  }
}

/** What the sync would do: add the file's new ids, replace changed ones, delete the ids the file lacks. */
export async function planSync(client: BedrockAgentCoreControlClient, datasetId: string, local: ReadonlyMap<string, string>): Promise<SyncPlan> {
  const remote = new Map<string, string>();
  const state = createHash('sha256').update(datasetId);
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: 'DRAFT', maxResults: 1000, nextToken }));
    for (const example of (page.examples ?? []) as Record<string, unknown>[]) {
      const id = String(example.exampleId);
      const hash = contentHash(example);
      remote.set(id, hash);
      state.update(`\n${id}\t${hash}`);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  const plan: SyncPlan = { add: [], update: [], delete: [], unchanged: 0, remoteCount: remote.size, localCount: local.size, state: state.digest('hex') };
  for (const [id, hash] of local) {
    const there = remote.get(id);
    if (there === undefined) plan.add.push(id);
    else if (there !== hash) plan.update.push(id);
    else plan.unchanged++;
  }
  for (const id of remote.keys()) if (!local.has(id)) plan.delete.push(id);
  return plan;
}

/** Refuses a plan that deletes more than `maxDeleteShare` of the DRAFT, unless forced. */
export function checkDeletes(plan: SyncPlan, maxDeleteShare: number, force: boolean): void {
  if (force || plan.delete.length === 0 || plan.delete.length <= plan.remoteCount * maxDeleteShare) return;
  throw new SyncRefused(`the sync would delete ${plan.delete.length} of the dataset's ${plan.remoteCount} examples `
    + `(more than ${Math.round(maxDeleteShare * 100)}%); check --from, or pass --force to delete them.`);
}

export interface SyncStep { readonly operation: 'delete' | 'update' | 'add'; readonly count: number; readonly clientToken: string }

/**
 * Applies a plan: deletes, then replacements, then additions (so the dataset never needs room
 * for both), each call waited for until the dataset is ACTIVE again.
 */
export async function applySync(
  client: BedrockAgentCoreControlClient, datasetId: string, path: string, plan: SyncPlan, onStep: (step: SyncStep) => void = () => undefined,
): Promise<SyncStep[]> {
  const steps: SyncStep[] = [];
  const run = async (operation: SyncStep['operation'], ids: readonly string[], hashes: string, send: (clientToken: string) => Promise<unknown>) => {
    const clientToken = createHash('sha256').update(`${plan.state}\n${operation}\n${ids.join('\n')}\n${hashes}`).digest('hex');
    await send(clientToken);
    await active(client, datasetId);
    const step = { operation, count: ids.length, clientToken };
    steps.push(step);
    onStep(step);
  };
  for (let i = 0; i < plan.delete.length; i += BATCH_EXAMPLES) {
    const exampleIds = plan.delete.slice(i, i + BATCH_EXAMPLES);
    await run('delete', exampleIds, '', (clientToken) => client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds, clientToken })));
  }
  for (const operation of ['update', 'add'] as const) {
    const wanted = new Set(operation === 'update' ? plan.update : plan.add);
    if (wanted.size === 0) continue;
    for await (const batch of batches(path, wanted)) {
      const ids = batch.map((example) => String(example.exampleId));
      const hashes = batch.map(contentHash).join(',');
      const examples = batch as DocumentType[];
      await run(operation, ids, hashes, (clientToken) => (operation === 'update'
        ? client.send(new UpdateDatasetExamplesCommand({ datasetId, examples, clientToken }))
        : client.send(new AddDatasetExamplesCommand({ datasetId, source: { inlineExamples: { examples } }, clientToken }))));
    }
  }
  return steps;
}

/** The file's examples with the wanted ids, in file order, in batches a request can carry. */
async function* batches(path: string, wanted: ReadonlySet<string>): AsyncGenerator<Record<string, unknown>[]> {
  let batch: Record<string, unknown>[] = [];
  let bytes = 0;
  for await (const { example } of localExamples(path)) {
    if (!wanted.has(String(example.exampleId))) continue;
    const size = Buffer.byteLength(JSON.stringify(example));
    if (batch.length > 0 && (batch.length >= BATCH_EXAMPLES || bytes + size > BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(example);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** Waits until the dataset is no longer busy; a failed write is an error naming AgentCore's reason. */
async function active(client: BedrockAgentCoreControlClient, datasetId: string): Promise<void> {
  for (;;) {
    const dataset = await client.send(new GetDatasetCommand({ datasetId }));
    if (!BUSY.has(dataset.status ?? '')) {
      if (dataset.status !== 'ACTIVE') throw new Error(`the dataset is ${dataset.status}: ${dataset.failureReason ?? 'no reason given'}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
