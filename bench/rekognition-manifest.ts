/**
 * Manifest import benchmark (issue #6): CreateDataset from a Ground Truth manifest in an
 * S3-compatible server (s3rver, started here) against a real `bin/trove` process configured with
 * --s3-endpoint, one fresh process per size. Reports time to CREATE_COMPLETE and Trove's peak
 * RSS (the kernel's VmHWM, reset before the call) for a 25,000-line and a 250,000-line manifest:
 * the peak must not grow with the manifest (target: ratio < 1.5 for 10x the lines). Baseline in
 * the same run: reading the same manifest from s3rver with @aws-sdk/client-s3 and JSON.parse-ing
 * every line, in this process. Then image checks: a manifest whose images are all in s3rver.
 *
 *   npm run build && npx tsx bench/rekognition-manifest.ts [--lines 250000] [--images 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { png } from '../test/harness/images.js';
import { S3RVER_CREDENTIALS, startS3 } from '../test/harness/s3.js';
import type { TestS3 } from '../test/harness/s3.js';
import { classificationLine, detectionLine } from './lib/fixtures.js';
import { mapConcurrent } from '../src/lib/map-concurrent.js';
import { mb, ms, peakRss, rekognition, resetPeak, rss, spawnTrove } from './lib/trove-process.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '250000' }, images: { type: 'string', default: '2000' } } });
const LARGE = Number(values.lines);
const SMALL = Math.round(LARGE / 10);
const IMAGES = Number(values.images);

/** Half image-level, half bounding-box lines; the images are in a bucket s3rver does not have. */
function manifest(count: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(i % 2 === 0 ? classificationLine(i) : detectionLine(i));
  return Buffer.from(`${lines.join('\n')}\n`);
}

interface Run { lines: number; bytes: number; completeMs: number; peak: number; idle: number; entries: number; status: string }

async function importOnce(s3: TestS3, key: string, lines: number, extraArgs: string[] = []): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-manifest-'));
  const trove = await spawnTrove(['--data-dir', dataDir, '--s3-endpoint', s3.endpoint, ...extraArgs], {
    TROVE_S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, TROVE_S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  });
  const pid = trove.child.pid!;
  try {
    const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: 'bench' });
    const idle = rss(pid);
    resetPeak(pid);
    const start = performance.now();
    const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', {
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: key } } },
    });
    const description = await settled(trove.url, DatasetArn);
    const completeMs = performance.now() - start;
    return {
      lines, bytes: 0, completeMs, peak: peakRss(pid), idle, entries: description.DatasetStats?.TotalEntries ?? 0,
      status: `${description.Status}${description.Status === 'CREATE_COMPLETE' ? '' : ` ${description.StatusMessage}`}`,
    };
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Polls every 50 ms: often enough for runs of seconds, rarely enough not to compete with the job for the CPU. */
async function settled(url: string, datasetArn: string): Promise<Record<string, any>> {
  for (;;) {
    const { DatasetDescription } = await rekognition<{ DatasetDescription: Record<string, any> }>(url, 'DescribeDataset', { DatasetArn: datasetArn });
    if (!String(DatasetDescription.Status).endsWith('_IN_PROGRESS')) return DatasetDescription;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The image-check baseline: the same two ranged GETs per image (header, trailer), 32 in flight, from this process. */
async function rangedReads(s3: TestS3, keys: string[], size: number): Promise<number> {
  const start = performance.now();
  await mapConcurrent(keys, 32, async (key) => {
    for (const range of ['bytes=0-4095', `bytes=${size - 1024}-${size - 1}`]) {
      const out = await s3.client.send(new GetObjectCommand({ Bucket: 'bench-images', Key: key, Range: range }));
      await out.Body!.transformToByteArray();
    }
  });
  return performance.now() - start;
}

/** The baseline: stream the object from s3rver and JSON.parse each line, nothing else. */
async function baseline(s3: TestS3, key: string): Promise<number> {
  const start = performance.now();
  const out = await s3.client.send(new GetObjectCommand({ Bucket: 'manifests', Key: key }));
  let rest = '';
  let parsed = 0;
  for await (const chunk of out.Body as AsyncIterable<Buffer>) {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const line of parts) if (line) parsed += JSON.parse(line) ? 1 : 0;
  }
  if (rest) parsed++;
  return performance.now() - start;
}

async function main(): Promise<void> {
  const s3 = await startS3();
  try {
    await s3.createBucket('manifests');
    const runs: Run[] = [];
    for (const lines of [SMALL, LARGE]) {
      const body = manifest(lines);
      const key = `bench-${lines}.manifest`;
      await s3.put('manifests', key, body);
      const run = await importOnce(s3, key, lines);
      run.bytes = body.length;
      if (run.status !== 'CREATE_COMPLETE' || run.entries !== lines) throw new Error(`unexpected result: ${JSON.stringify(run)}`);
      const raw = await baseline(s3, key);
      runs.push(run);
      console.log(`\n${lines} lines, ${mb(body.length)} manifest in s3rver`);
      console.log(`  time to CREATE_COMPLETE  ${ms(run.completeMs)}  = ${Math.round(lines / (run.completeMs / 1000))} lines/s`);
      console.log(`  baseline: GetObject stream + JSON.parse of every line  ${ms(raw)}  (Trove / baseline = ${(run.completeMs / raw).toFixed(1)}x)`);
      console.log(`  Trove RSS idle ${mb(run.idle)}, peak ${mb(run.peak)} (+${mb(run.peak - run.idle)})`);
    }
    const [small, large] = runs;
    console.log(`\n${LARGE} vs ${SMALL} lines: time ${(large.completeMs / small.completeMs).toFixed(1)}x, `
      + `peak RSS ${(large.peak / small.peak).toFixed(2)}x (target < 1.5: memory does not grow with the manifest)`);

    if (IMAGES > 0) {
      // Image checks: every source-ref points at a real PNG in s3rver; each costs ranged reads only.
      await s3.createBucket('bench-images');
      const image = png(320, 240, { padding: 20_000 });
      const lines: string[] = [];
      for (let i = 0; i < IMAGES; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, IMAGES - i) }, (_, j) => s3.put('bench-images', `img-${i + j}.png`, image)));
      }
      for (let i = 0; i < IMAGES; i++) lines.push(classificationLine(i).replace(/s3:\/\/bench-bucket\/images\/f\d\d\/img-\d+\.jpg/, `s3://bench-images/img-${i}.png`));
      await s3.put('manifests', 'images.manifest', `${lines.join('\n')}\n`);
      const timings: number[] = [];
      for (const flags of [['--image-checks', 'off'], []]) {
        const run = await importOnce(s3, 'images.manifest', IMAGES, flags);
        if (run.status !== 'CREATE_COMPLETE' || run.entries !== IMAGES) throw new Error(`unexpected result: ${JSON.stringify(run)}`);
        timings.push(run.completeMs);
        console.log(`\n${IMAGES} lines whose images are in s3rver, image checks ${flags.length ? 'off' : 'on (32 in flight)'}:`
          + ` ${ms(run.completeMs)} = ${Math.round(IMAGES / (run.completeMs / 1000))} lines/s, peak RSS ${mb(run.peak)}`);
      }
      const raw = await rangedReads(s3, Array.from({ length: IMAGES }, (_, i) => `img-${i}.png`), image.length);
      console.log(`  baseline: the same ${2 * IMAGES} ranged GETs from this process, 32 in flight: ${ms(raw)}`);
      console.log(`  cost of the checks (on - off) / baseline = ${((timings[1] - timings[0]) / raw).toFixed(2)}x`);
    }
  } finally {
    await s3.close();
  }
}

await main();
