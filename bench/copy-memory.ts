/**
 * Memory of reads of whole Rekognition entries with long lines: Trove's peak RSS above idle
 * while it copies a dataset of LINES lines of ~CHARS characters (CreateDataset from another
 * dataset) and while a client downloads its manifest export, each case in a fresh `bin/trove`
 * process on the same data directory (the kernel's peak, VmHWM, reset once the process has
 * settled). Each case runs with the server's default page budget and, in the same run, with
 * `--page-read-bytes` of 1 GiB, which reads 1,000 entries a page whatever their size, as every
 * such read did before the budget: the baseline. A third case, with the default budget only,
 * replaces every long line of a copy by a short one (UpdateDatasetEntries): the replaced lines
 * need not be read at all (a build from before that read them whole, a chunk of 1,000 at once;
 * compare by running this script in such a build's checkout).
 *
 *   npm run build:server && npx tsx bench/copy-memory.ts [--lines 600] [--chars 90000] [--rounds 3]
 *     [--database-url postgres://...] [--baseline-bytes 1073741824 (0: none)]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeLines } from './lib/fixtures.js';
import { mb, peakRss, rekognition, resetPeak, rss, spawnTrove, troveApi, waitSettled } from './lib/trove-process.js';
import type { TroveProcess } from './lib/trove-process.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '600' },
    chars: { type: 'string', default: '90000' },
    rounds: { type: 'string', default: '3' },
    'database-url': { type: 'string' },
    'baseline-bytes': { type: 'string', default: String(1024 * 1024 * 1024) },
  },
});
const LINES = Number(values.lines);
const CHARS = Number(values.chars);
const ROUNDS = Number(values.rounds);
const DATABASE_URL = values['database-url'];
const BASELINE_BYTES = Number(values['baseline-bytes']);

const dataDir = mkdtempSync(join(tmpdir(), 'bench-copy-memory-'));
const buckets = join(dataDir, 'buckets');
let projects = 0;

/** One measured case: peak RSS above idle, by budget. */
interface Measured { name: string; budget: string; above: number; note: string }

async function main(): Promise<void> {
  const measured: Measured[] = [];
  try {
    mkdirSync(join(buckets, 'bench'), { recursive: true });
    await writeLines(join(buckets, 'bench', 'long.manifest'), LINES, longLine);
    console.log(`manifest: ${LINES} lines of ${CHARS} characters (${mb(LINES * CHARS)}); ${DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`);
    const replaced: string[] = [];
    const source = await withTrove([], async (trove) => {
      let ProjectArn = await newProject(trove);
      const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', {
        ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'bench', Name: 'long.manifest' } } },
      });
      const done = await waitSettled(trove.url, DatasetArn);
      if (done.DatasetStats?.TotalEntries !== LINES) throw new Error(`import: ${JSON.stringify(done)}`);
      // One copy per round for the replace case to replace (made here, outside the measured processes).
      for (let round = 1; round <= ROUNDS; round++) {
        const copy = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TEST', DatasetSource: { DatasetArn } });
        replaced.push(copy.DatasetArn);
        if ((await waitSettled(trove.url, copy.DatasetArn)).DatasetStats?.TotalEntries !== LINES) throw new Error('copy for the replace case');
        // A project holds one TRAIN and one TEST dataset: the next copy goes to a project of its own.
        if (round < ROUNDS) ProjectArn = await newProject(trove);
      }
      return DatasetArn;
    });
    // --baseline-bytes 0: the default only (e.g. a build from before the budget, which has no such flag).
    const budgets: [string, string[]][] = [['default', []], ...(BASELINE_BYTES > 0 ? [[`${mb(BASELINE_BYTES)} (1,000 rows)`, ['--page-read-bytes', String(BASELINE_BYTES)]] as [string, string[]]] : [])];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [budget, args] of budgets) {
        measured.push(await measure(`copy, round ${round}`, budget, args, async (trove) => {
          const ProjectArn = await newProject(trove);
          const started = performance.now();
          const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN', DatasetSource: { DatasetArn: source } });
          const done = await waitSettled(trove.url, DatasetArn);
          return `${done.Status} ${done.DatasetStats?.TotalEntries} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`;
        }));
        measured.push(await measure(`export, round ${round}`, budget, args, async (trove) => {
          const started = performance.now();
          const link = await troveApi<{ url: string }>(trove.url, 'POST', `/_trove/api/rekognition/datasets/${encodeURIComponent(source)}/exports`, { format: 'MANIFEST' });
          const response = await fetch(link.url);
          let bytes = 0;
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
          return `HTTP ${response.status}, ${mb(bytes)} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
        }));
      }
      measured.push(await measure(`replace, round ${round}`, budgets[0][0], budgets[0][1], async (trove) => {
        const started = performance.now();
        const GroundTruth = Buffer.from(Array.from({ length: LINES }, (_, i) => shortLine(i)).join('\n')).toString('base64');
        await rekognition(trove.url, 'UpdateDatasetEntries', { DatasetArn: replaced[round - 1], Changes: { GroundTruth } });
        const done = await waitSettled(trove.url, replaced[round - 1]);
        return `${done.Status} ${done.DatasetStats?.TotalEntries} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`;
      }));
    }
    console.log('\ncase              budget                 peak RSS above idle');
    for (const m of measured) console.log(`${m.name.padEnd(18)}${m.budget.padEnd(23)}${mb(m.above).padStart(10)}   ${m.note}`);
    for (const name of budgets.length > 1 ? ['copy', 'export'] : []) {
      const ratios = measured.filter((m) => m.name.startsWith(name) && m.budget === budgets[0][0]).map((m, i) => {
        const baseline = measured.filter((b) => b.name.startsWith(name) && b.budget === budgets[1][0])[i];
        return m.above / baseline.above;
      });
      console.log(`${name}: default budget / baseline ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measure(name: string, budget: string, args: string[], fn: (trove: TroveProcess) => Promise<string>): Promise<Measured> {
  return withTrove(args, async (trove) => {
    const pid = trove.child.pid!;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = rss(pid);
    resetPeak(pid);
    const note = await fn(trove);
    const above = peakRss(pid) - idle;
    console.log(`${name} [${budget}]: +${mb(above)}; ${note}`);
    return { name, budget, above, note };
  });
}

async function withTrove<T>(args: string[], fn: (trove: TroveProcess) => Promise<T>): Promise<T> {
  const trove = await spawnTrove(['--data-dir', dataDir, '--bucket-dir', buckets, '--image-checks', 'off', ...(DATABASE_URL ? ['--database-url', DATABASE_URL] : []), ...args]);
  try {
    return await fn(trove);
  } finally {
    await trove.stop();
  }
}

async function newProject(trove: TroveProcess): Promise<string> {
  const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: `copy-memory-${process.pid}-${++projects}` });
  return ProjectArn;
}

/** Image i's classification entry: a short line (~300 characters), what the replace case writes. */
function shortLine(i: number): string {
  return JSON.stringify(entry(i));
}

/** A classification line padded with random hex (not compressible: PostgreSQL stores it out of line) to CHARS characters. */
function longLine(i: number): string {
  const line = { ...entry(i), notes: '' };
  const pad = CHARS - JSON.stringify(line).length;
  line.notes = randomBytes(Math.ceil(pad / 2)).toString('hex').slice(0, pad);
  return JSON.stringify(line);
}

function entry(i: number): Record<string, unknown> {
  return {
    'source-ref': `s3://bench-images/long/img-${String(i).padStart(6, '0')}.jpg`,
    flower: 1,
    'flower-metadata': {
      confidence: 1, 'job-name': 'labeling-job/flower', 'class-name': `class_${i % 20}`, 'human-annotated': 'yes',
      'creation-date': '2021-07-11T03:33:42.025Z', type: 'groundtruth/image-classification',
    },
  };
}

await main();
