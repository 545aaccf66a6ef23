/**
 * Import benchmark (issue #15): a COCO file of 25,000 images (1 to 4 boxes each, float boxes,
 * segmentation present) imported into an empty dataset of a real `bin/trove` process, against
 * the baseline of the same run: UpdateDatasetEntries of the equivalent manifest (the very lines
 * the converter makes), sent as changes of at most 5 MB one after another, each waited for.
 * Target: the import reaches at least 0.8 of the baseline's rate. Two ways to import:
 *   - s3://: StartDatasetImport reads the file from the object store (folder store here) and
 *     applies it as one change, in chunk transactions;
 *   - local: what `bin/trove import --from FILE` does (the CLI's code, run in this process so that
 *     the CLI's start-up is not counted): the file hashed, sent as the body of UploadDatasetImport
 *     (staged in the store as it streams), then imported by the same job as s3://. Timed from the
 *     first read of the file to the dataset's UPDATE_COMPLETE.
 * Each of the three starts once the server is idle (waitIdle): the substring-index catch-up after
 * one (SQLite) would otherwise run during the next. Within the baseline, the catch-up after its
 * first and second changes still runs beside the next change, as it would for a client.
 *
 *   npm run build && npx tsx bench/open-formats-import.ts [--images 25000] [--runs 3]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExchangeClient } from '../src/client/exchange-client.js';
import { localUpload } from '../src/client/local-import.js';
import { TroveApiClient } from '../src/client/trove-api-client.js';
import { cocoToLineBatches } from '../src/domain/exchange/coco-import.js';
import { newImportStats } from '../src/domain/exchange/import-lines.js';
import { signedFetch } from '../test/harness/sigv4.js';
import { median, ms, rekognition, spawnTrove, waitIdle, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '25000' }, runs: { type: 'string', default: '3' } } });
const IMAGES = Number(values.images);
const RUNS = Number(values.runs);
const LIMIT = 5 * 1024 * 1024;

/** A COCO file like the COCO dataset's own: images, then annotations (with polygons), then categories. */
function cocoFile(): string {
  const images = Array.from({ length: IMAGES }, (_, i) => ({
    license: 1, file_name: `f${String(i % 100).padStart(2, '0')}/img-${String(i).padStart(7, '0')}.jpg`, height: 768, width: 1024, id: 100_000 + i,
  }));
  const annotations = [];
  for (let i = 0; i < IMAGES; i++) {
    for (let b = 0; b < 1 + (i % 4); b++) {
      const [x, y] = [20.5 + b * 60, 10.25 + b * 50];
      annotations.push({
        segmentation: [[x, y, x + 100, y, x + 100, y + 80, x, y + 80]], area: 8000, iscrowd: 0, image_id: 100_000 + i,
        bbox: [x, y, 100, 80], category_id: 1 + ((Math.floor(i / 10) + b) % 50), id: annotations.length + 1,
      });
    }
  }
  const categories = Array.from({ length: 50 }, (_, c) => ({ supercategory: 'thing', id: c + 1, name: `object_${c}` }));
  return JSON.stringify({ info: { description: 'bench' }, licenses: [], images, annotations, categories });
}

async function emptyDataset(url: string, name: string): Promise<string> {
  const { ProjectArn } = await rekognition<{ ProjectArn: string }>(url, 'CreateProject', { ProjectName: name });
  const { DatasetArn } = await rekognition<{ DatasetArn: string }>(url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
  await waitSettled(url, DatasetArn);
  return DatasetArn;
}

function check(description: Record<string, any>): void {
  if (description.Status !== 'UPDATE_COMPLETE' || description.DatasetStats.TotalEntries !== IMAGES) throw new Error(`unexpected: ${JSON.stringify(description)}`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const work = mkdtempSync(join(tmpdir(), 'bench-import-files-'));
  mkdirSync(join(dataDir, 'buckets', 'exports'), { recursive: true });
  const coco = cocoFile();
  writeFileSync(join(dataDir, 'buckets', 'exports', 'bench.json'), coco);
  writeFileSync(join(work, 'bench.json'), coco);
  const chunks = async function* () { yield Buffer.from(coco); };
  const lines: string[] = [];
  for await (const batch of cocoToLineBatches(chunks, { images: 's3://bench-bucket/images/', creationDate: '2026-01-01T00:00:00.000Z', maxImages: IMAGES }, newImportStats())) lines.push(...batch);
  const changes: Buffer[] = [];
  for (let at = 0, size = 0, from = 0; at <= lines.length; at++) {
    if (at === lines.length || size + lines[at].length + 1 > LIMIT) {
      changes.push(Buffer.from(lines.slice(from, at).join('\n')));
      from = at;
      size = 0;
    }
    if (at < lines.length) size += lines[at].length + 1;
  }
  const trove = await spawnTrove(['--data-dir', dataDir]);
  const exchange = new ExchangeClient(new TroveApiClient({ endpoint: trove.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  console.log(`${IMAGES} COCO images, ${(coco.length / 1024 / 1024).toFixed(1)} MB of COCO JSON = ${lines.length} manifest lines in ${changes.length} changes of <= 5 MB; ${RUNS} runs after a warm-up`);
  const times = { baseline: [] as number[], s3: [] as number[], local: [] as number[] };
  try {
    for (let run = 0; run <= RUNS; run++) {
      const baselineArn = await emptyDataset(trove.url, `baseline-${run}`);
      await waitIdle(trove);
      let start = performance.now();
      for (const change of changes) {
        await rekognition(trove.url, 'UpdateDatasetEntries', { DatasetArn: baselineArn, Changes: { GroundTruth: change.toString('base64') } });
        await waitSettled(trove.url, baselineArn);
      }
      const baseline = performance.now() - start;
      check(await waitSettled(trove.url, baselineArn));

      const s3Arn = await emptyDataset(trove.url, `s3-${run}`);
      await waitIdle(trove);
      start = performance.now();
      const answer = await signedFetch(`${trove.url}/_trove/api/rekognition/datasets/${encodeURIComponent(s3Arn)}/imports`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ format: 'COCO', source: 's3://exports/bench.json', images: 's3://bench-bucket/images/' }),
      }, { service: 'trove' });
      if (answer.status !== 202) throw new Error(`StartDatasetImport: ${answer.status} ${await answer.text()}`);
      check(await waitSettled(trove.url, s3Arn));
      const s3 = performance.now() - start;

      const localArn = await emptyDataset(trove.url, `local-${run}`);
      await waitIdle(trove);
      start = performance.now();
      await exchange.uploadImport(localArn, 'COCO', await localUpload(join(work, 'bench.json')), 's3://bench-bucket/images/');
      check(await waitSettled(trove.url, localArn));
      const local = performance.now() - start;
      if (run === 0) continue;
      times.baseline.push(baseline);
      times.s3.push(s3);
      times.local.push(local);
      console.log(`  run ${run}: baseline ${ms(baseline)}, s3:// import ${ms(s3)} (${(baseline / s3).toFixed(2)}), local import ${ms(local)} (${(baseline / local).toFixed(2)})`);
    }
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const base = median(times.baseline);
  console.log(`\nUpdateDatasetEntries of the equivalent manifest: ${ms(base)} = ${Math.round(IMAGES / (base / 1000))} images/s`);
  for (const kind of ['s3', 'local'] as const) {
    const value = median(times[kind]);
    // Each run's ratio compares two measurements taken back to back, under the same load.
    const ratios = times[kind].map((t, i) => times.baseline[i] / t);
    console.log(`${kind === 's3' ? 'StartDatasetImport from s3://' : 'local file, the CLI\'s code (UploadDatasetImport)'}: ${ms(value)} = ${Math.round(IMAGES / (value / 1000))} images/s, `
      + `rate / baseline: median of the runs ${median(ratios).toFixed(2)} (runs ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= 0.8)`);
  }
}

await main();
