/**
 * History benchmark (issue #15): diffing a snapshot against now and restoring it cost what
 * changed, not the dataset's size. For a dataset of 10,000 and one of 100,000 entries, each with
 * the same 1,000 entries replaced and 1,000 added after a snapshot, it times
 * DiffDatasetRevisions (every page) and RestoreDatasetSnapshot (to UPDATE_COMPLETE), and prints
 * the large/small ratios (target: about 1).
 *
 *   npm run build && npx tsx bench/rekognition-history.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetHistoryClient } from '../src/client/dataset-history-client.js';
import { TroveApiClient } from '../src/client/trove-api-client.js';
import { blobOf, classificationLine } from './lib/fixtures.js';
import { ms, rekognition, spawnTrove, waitSettled } from './lib/trove-process.js';

// The first size only warms the process up (JIT, caches) and is not compared.
const SIZES = [2_000, 10_000, 100_000];
const CHANGED = 1_000;
const LIMIT = 5_242_880;

/** Lines for entries [from, to), in UpdateDatasetEntries calls of at most 5 MB. */
async function fill(url: string, datasetArn: string, from: number, to: number, line: (i: number) => string = classificationLine): Promise<void> {
  for (let start = from; start < to;) {
    const { lines } = blobOf(line, LIMIT, start);
    const count = Math.min(lines.length, to - start);
    await rekognition(url, 'UpdateDatasetEntries', { DatasetArn: datasetArn, Changes: { GroundTruth: Buffer.from(lines.slice(0, count).join('\n')).toString('base64') } });
    const d = await waitSettled(url, datasetArn);
    if (d.Status !== 'UPDATE_COMPLETE') throw new Error(JSON.stringify(d));
    start += count;
  }
}

/** The same image under other labels. */
const relabeled = (i: number) => classificationLine(i).replace(/class_/g, 'other_');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const trove = await spawnTrove(['--data-dir', dataDir]);
  const history = new DatasetHistoryClient(new TroveApiClient({ endpoint: trove.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  const results: { size: number; diff: number; restore: number; changes: number }[] = [];
  try {
    for (const size of SIZES) {
      const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: `history-${size}` });
      const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
      await waitSettled(trove.url, DatasetArn);
      await fill(trove.url, DatasetArn, 0, size);
      await history.createSnapshot(DatasetArn, 'before');
      // The same changes on both sizes: 1,000 entries relabeled, 1,000 added.
      await fill(trove.url, DatasetArn, 0, CHANGED, relabeled);
      await fill(trove.url, DatasetArn, size, size + CHANGED);
      let start = performance.now();
      const changes = await history.all((nextToken) => history.diff(DatasetArn, 'before', undefined, { maxResults: 1000, nextToken }), (page) => page.changes);
      const diff = performance.now() - start;
      start = performance.now();
      await history.restore(DatasetArn, 'before');
      const done = await waitSettled(trove.url, DatasetArn);
      const restore = performance.now() - start;
      if (done.Status !== 'UPDATE_COMPLETE' || done.DatasetStats.TotalEntries !== size) throw new Error(JSON.stringify(done));
      results.push({ size, diff, restore, changes: changes.length });
      console.log(`${size} entries: diff of ${changes.length} changes ${ms(diff)}, restore ${ms(restore)}`);
    }
    const [, small, large] = results;
    console.log(`large/small: diff ${(large.diff / small.diff).toFixed(2)}, restore ${(large.restore / small.restore).toFixed(2)} (target about 1: work follows the change, not the dataset)`);
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
