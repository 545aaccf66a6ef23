/**
 * Memory bounded by bytes (issue #11 §4): Trove's peak RSS above idle while it handles large
 * examples and manifest lines, each case in a fresh `bin/trove` process on the same data
 * directory, the kernel's peak (VmHWM) reset after the process has settled. Target: under
 * 300 MB above idle for each case, whatever the sizes.
 *
 *   1. import: one AgentCore s3Source import of LINES lines of ~BYTES each (folder store);
 *   2. downloads: CLIENTS clients open the download of a VERSION-example version and never read;
 *      then one client reads a whole download (its bytes, time);
 *   3. listing: ListDatasetExamples through every page of that dataset (maxResults 1000);
 *   4. manifests: two concurrent Rekognition CreateDataset imports of manifests of MANIFEST_LINES
 *      lines of ~98 KB.
 *
 * The idle RSS of each process is the baseline measured in the same run.
 *
 *   npm run build:server && npx tsx bench/memory.ts [--lines 1000] [--bytes 1040000] [--version-examples 600]
 *     [--clients 20] [--manifest-lines 2000] [--hold-ms 10000] [--heap-mb 0]
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BedrockAgentCoreControlClient, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetExamplesCommand, GetDatasetCommand,
  ListDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { stalledDownload } from '../test/harness/downloads.js';
import { example } from './agentcore-harness.js';
import { writeLines } from './lib/fixtures.js';
import { mb, peakRss, rekognition, resetPeak, rss, spawnTrove } from './lib/trove-process.js';
import type { TroveProcess } from './lib/trove-process.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '1040000' },
    'version-examples': { type: 'string', default: '600' },
    clients: { type: 'string', default: '20' },
    'manifest-lines': { type: 'string', default: '2000' },
    'hold-ms': { type: 'string', default: '10000' },
    // A V8 heap limit for the Trove processes (0: Node's default), to show they survive a small one.
    'heap-mb': { type: 'string', default: '0' },
  },
});
const LINES = Number(values.lines);
const BYTES = Number(values.bytes);
const VERSION_EXAMPLES = Math.min(LINES, Number(values['version-examples']));
const CLIENTS = Number(values.clients);
const MANIFEST_LINES = Number(values['manifest-lines']);
const HOLD_MS = Number(values['hold-ms']);
const HEAP_MB = Number(values['heap-mb']);
const TARGET = 300 * 1024 * 1024;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
const buckets = join(dataDir, 'buckets');
const results: { name: string; idle: number; peak: number; note: string }[] = [];

async function main(): Promise<void> {
  try {
    mkdirSync(join(buckets, 'bench'), { recursive: true });
    await writeLines(join(buckets, 'bench', 'examples.jsonl'), LINES, (i) => JSON.stringify(example(`ex-${i}`, BYTES)));
    await writeLines(join(buckets, 'bench', 'a.manifest'), MANIFEST_LINES, (i) => manifestLine('a', i));
    await writeLines(join(buckets, 'bench', 'b.manifest'), MANIFEST_LINES, (i) => manifestLine('b', i));
    console.log(`examples file: ${LINES} lines of ~${mb(BYTES)}; manifests: 2 x ${MANIFEST_LINES} lines of ~98 KB; heap limit ${HEAP_MB || 'default'}`);

    const datasetId = await inProcess('1. s3Source import', async (trove, client) => {
      const started = performance.now();
      const { datasetId: id } = await client.send(new CreateDatasetCommand({
        datasetName: 'big', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { s3Source: { s3Uri: 's3://bench/examples.jsonl' } },
      }));
      const d = await settled(client, id!, trove);
      return { value: id!, note: `${d.status} ${d.exampleCount} examples in ${((performance.now() - started) / 1000).toFixed(1)} s${d.failureReason ? ` (${d.failureReason})` : ''}` };
    });

    // A version of VERSION_EXAMPLES examples: delete the rest from the DRAFT, publish.
    const version = await inProcess('   (publishing a version)', async (trove, client) => {
      const ids: string[] = [];
      for (let token: string | undefined; ;) {
        const page = await client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 1000, nextToken: token }));
        for (const e of page.examples ?? []) ids.push((e as { exampleId: string }).exampleId);
        token = page.nextToken;
        if (!token) break;
      }
      const extra = ids.slice(VERSION_EXAMPLES);
      for (let i = 0; i < extra.length; i += 1000) {
        await client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: extra.slice(i, i + 1000) }));
        await settled(client, datasetId, trove);
      }
      const { datasetVersion } = await client.send(new CreateDatasetVersionCommand({ datasetId }));
      await settled(client, datasetId, trove);
      return { value: datasetVersion!, note: `version ${datasetVersion} with ${VERSION_EXAMPLES} examples` };
    }, false);

    await inProcess(`2. ${CLIENTS} non-reading downloads`, async (_trove, client) => {
      const { downloadUrl } = await client.send(new GetDatasetCommand({ datasetId, datasetVersion: version }));
      const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => stalledDownload(downloadUrl!)));
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
      const answered = sockets.filter((s) => s.status !== undefined).map((s) => s.status);
      for (const s of sockets) s.socket.destroy();
      return { value: undefined, note: `statuses ${summarize(answered)} (held ${HOLD_MS / 1000} s)` };
    });

    await inProcess('   one full download', async (_trove, client) => {
      const { downloadUrl } = await client.send(new GetDatasetCommand({ datasetId, datasetVersion: version }));
      const started = performance.now();
      const response = await fetch(downloadUrl!);
      let bytes = 0;
      let lines = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        for (const byte of chunk) if (byte === 0x0a) lines++;
      }
      const seconds = (performance.now() - started) / 1000;
      return { value: undefined, note: `HTTP ${response.status}, ${lines} lines, ${mb(bytes)} in ${seconds.toFixed(1)} s (${mb(bytes / seconds)}/s)` };
    });

    await inProcess('3. listing every page', async (_trove, client) => {
      let calls = 0;
      let examples = 0;
      const started = performance.now();
      for (let token: string | undefined; ;) {
        const page = await client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 1000, nextToken: token }));
        calls++;
        examples += page.examples?.length ?? 0;
        token = page.nextToken;
        if (!token) break;
      }
      const seconds = (performance.now() - started) / 1000;
      return { value: undefined, note: `${examples} examples in ${calls} calls, ${seconds.toFixed(1)} s (${((seconds * 1000) / calls).toFixed(0)} ms a call)` };
    });

    await inProcess('4. two manifest imports', async (trove) => {
      const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: 'bench' });
      const started = performance.now();
      const arns = await Promise.all(['a', 'b'].map(async (name, i) => (await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', {
        ProjectArn, DatasetType: i === 0 ? 'TRAIN' : 'TEST', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'bench', Name: `${name}.manifest` } } },
      })).DatasetArn));
      const done = await Promise.all(arns.map((arn) => settledRekognition(trove, arn)));
      const seconds = (performance.now() - started) / 1000;
      return { value: undefined, note: `${done.map((d) => `${d.Status} ${d.DatasetStats?.TotalEntries ?? 0}`).join(', ')} in ${seconds.toFixed(1)} s` };
    });

    console.log('\ncase                              idle RSS   peak RSS   peak - idle   target < 300 MB');
    for (const r of results) {
      const above = r.peak - r.idle;
      console.log(`${r.name.padEnd(34)}${mb(r.idle).padStart(9)}${mb(r.peak).padStart(11)}${mb(above).padStart(14)}   ${above < TARGET ? 'ok' : 'MISSED'}  ${r.note}`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` against a fresh Trove process on the shared data directory and records its peak RSS
 * above the idle RSS measured just before (`measure` false: setup only, nothing recorded).
 */
async function inProcess<T>(
  name: string, fn: (trove: TroveProcess, client: BedrockAgentCoreControlClient) => Promise<{ value: T; note: string }>, measure = true,
): Promise<T> {
  const trove = await spawnTrove(['--data-dir', dataDir, '--agentcore-max-examples', String(Math.max(10_000, LINES))],
    HEAP_MB > 0 ? { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } : {});
  const client = new BedrockAgentCoreControlClient({ endpoint: trove.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const pid = trove.child.pid!;
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = rss(pid);
    resetPeak(pid);
    const { value, note } = await fn(trove, client);
    const peak = peakRss(pid);
    if (measure) results.push({ name, idle, peak, note });
    console.log(`${name}: idle ${mb(idle)}, peak ${mb(peak)} (+${mb(peak - idle)}); ${note}`);
    return value;
  } catch (error) {
    console.log(`${name}: FAILED ${(error as Error).message}\n${trove.output().slice(-2000)}`);
    if (measure) results.push({ name, idle: 0, peak: 0, note: `FAILED: ${(error as Error).message.slice(0, 200)}` });
    throw error;
  } finally {
    client.destroy();
    await trove.stop();
  }
}

/** Polls GetDataset until the dataset settles; fails when the Trove process has died. */
async function settled(client: BedrockAgentCoreControlClient, datasetId: string, trove: TroveProcess) {
  for (;;) {
    if (trove.child.exitCode !== null || trove.child.signalCode !== null) throw new Error(`trove died:\n${trove.output().slice(-2000)}`);
    const d = await client.send(new GetDatasetCommand({ datasetId }));
    if (d.status !== 'CREATING' && d.status !== 'UPDATING' && d.status !== 'DELETING') return d;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function settledRekognition(trove: TroveProcess, datasetArn: string): Promise<Record<string, any>> {
  for (;;) {
    if (trove.child.exitCode !== null || trove.child.signalCode !== null) throw new Error(`trove died:\n${trove.output().slice(-2000)}`);
    const { DatasetDescription } = await rekognition<{ DatasetDescription: Record<string, any> }>(trove.url, 'DescribeDataset', { DatasetArn: datasetArn });
    if (!String(DatasetDescription.Status).endsWith('_IN_PROGRESS')) return DatasetDescription;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function summarize(statuses: (number | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(String(s), (counts.get(String(s)) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n}x ${s}`).join(', ') || 'none';
}

/** A Ground Truth classification line padded to ~98 KB with an extra attribute. */
function manifestLine(set: string, i: number): string {
  const line = {
    'source-ref': `s3://bench-images/${set}/img-${String(i).padStart(6, '0')}.jpg`,
    flower: 1,
    'flower-metadata': {
      confidence: 1, 'job-name': 'labeling-job/flower', 'class-name': `class_${i % 20}`, 'human-annotated': 'yes',
      'creation-date': '2021-07-11T03:33:42.025Z', type: 'groundtruth/image-classification',
    },
    notes: '',
  };
  line.notes = 'n'.repeat(98_000 - JSON.stringify(line).length);
  return JSON.stringify(line);
}

await main();
