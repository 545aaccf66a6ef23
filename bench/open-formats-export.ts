/**
 * Export benchmark (issue #15): a Rekognition dataset of 25,000 and of 250,000 entries (half
 * image-level, half bounding-box lines) exported through Trove API links from a real `bin/trove`
 * process, as a Ground Truth manifest, COCO and YOLO. Reports entries per second and Trove's peak
 * RSS above idle during each download (the kernel's VmHWM, reset first): exports stream a page at
 * a time, so the peak must be the same for 10x the entries (target: ratio < 1.5). Baseline in the
 * same run: paging the same entries through ListDatasetEntries (100 a page, as AWS allows).
 *
 *   npm run build && npx tsx bench/open-formats-export.ts [--entries 250000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signedFetch } from '../test/harness/sigv4.js';
import { classificationLine, detectionLine } from './lib/fixtures.js';
import { mb, ms, peakRss, rekognition, resetPeak, rss, spawnTrove, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '250000' } } });
const LARGE = Number(values.entries);
const SMALL = Math.round(LARGE / 10);
const FORMATS = ['MANIFEST', 'COCO', 'YOLO'] as const;

interface Measured { ms: number; bytes: number; peak: number; absolute: number }

async function exportOnce(url: string, arn: string, format: string, pid: number): Promise<Measured> {
  const idle = rss(pid);
  resetPeak(pid);
  const start = performance.now();
  const path = `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/exports`;
  const answer = await signedFetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format }) }, { service: 'trove' });
  const link = (await answer.json()) as { url: string };
  const response = await fetch(link.url);
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const absolute = peakRss(pid);
  return { ms: performance.now() - start, bytes, peak: absolute - idle, absolute };
}

async function listAll(url: string, arn: string): Promise<number> {
  const start = performance.now();
  let NextToken: string | undefined;
  do {
    ({ NextToken } = await rekognition<{ NextToken?: string }>(url, 'ListDatasetEntries', { DatasetArn: arn, MaxResults: 100, NextToken }));
  } while (NextToken);
  return performance.now() - start;
}

async function main(): Promise<void> {
  const results = new Map<number, Map<string, Measured>>();
  for (const entries of [SMALL, LARGE]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-export-'));
    mkdirSync(join(dataDir, 'buckets', 'manifests'), { recursive: true });
    const lines = Array.from({ length: entries }, (_, i) => (i % 2 === 0 ? classificationLine(i) : detectionLine(i)));
    writeFileSync(join(dataDir, 'buckets', 'manifests', 'all.manifest'), `${lines.join('\n')}\n`);
    const trove = await spawnTrove(['--data-dir', dataDir]);
    const pid = trove.child.pid!;
    try {
      const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: 'bench' });
      const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', {
        ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'all.manifest' } } },
      });
      const created = await waitSettled(trove.url, DatasetArn);
      if (created.DatasetStats?.TotalEntries !== entries) throw new Error(`dataset not created: ${JSON.stringify(created)}`);
      const listing = await listAll(trove.url, DatasetArn);
      console.log(`\n${entries} entries; baseline ListDatasetEntries, 100 a page: ${ms(listing)} = ${Math.round(entries / (listing / 1000))} entries/s`);
      const byFormat = new Map<string, Measured>();
      for (const format of FORMATS) {
        await exportOnce(trove.url, DatasetArn, format, pid); // warm-up
        const run = await exportOnce(trove.url, DatasetArn, format, pid);
        byFormat.set(format, run);
        console.log(`  ${format.padEnd(8)} ${ms(run.ms)} = ${Math.round(entries / (run.ms / 1000))} entries/s (${(listing / run.ms).toFixed(1)}x the listing), `
          + `${mb(run.bytes)}, peak RSS ${mb(run.absolute)} (+${mb(run.peak)} over idle)`);
      }
      results.set(entries, byFormat);
    } finally {
      await trove.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`\n${LARGE} vs ${SMALL} entries (target: peak RSS ratio < 1.5, memory does not grow with the dataset):`);
  for (const format of FORMATS) {
    const small = results.get(SMALL)!.get(format)!;
    const large = results.get(LARGE)!.get(format)!;
    console.log(`  ${format.padEnd(8)} time ${(large.ms / small.ms).toFixed(1)}x, peak RSS ${mb(small.absolute)} → ${mb(large.absolute)} (${(large.absolute / small.absolute).toFixed(2)}x); above idle ${mb(small.peak)} → ${mb(large.peak)} `
      + `(${(Math.max(large.peak, 1) / Math.max(small.peak, 1)).toFixed(2)}x)`);
  }
}

await main();
