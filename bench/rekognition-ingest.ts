/**
 * Ingest benchmark (issue #2): one 5 MB UpdateDatasetEntries of classification lines and one of
 * detection lines against a real `bin/trove` process. Reports time to acknowledge, time to
 * UPDATE_COMPLETE, peak RSS above idle, and the ratio against better-sqlite3 upserting the same
 * parsed rows in-process in the same run (target: Trove's end-to-end rate >= 0.5 of it).
 *
 *   npm run build && npx tsx bench/rekognition-ingest.ts [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { blobOf, classificationLine, detectionLine } from './lib/fixtures.js';
import { mb, median, ms, peakRss, rekognition, resetPeak, rss, spawnTrove, timed, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const LIMIT = 5_242_880;

/** better-sqlite3 upserting already-parsed rows, in one transaction, with Trove's durability settings. */
function baseline(rows: { sourceRef: string; line: string }[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE entries (dataset_id INTEGER NOT NULL, source_ref TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (dataset_id, source_ref))');
  const upsert = db.prepare('INSERT INTO entries (dataset_id, source_ref, line) VALUES (1, ?, ?) ON CONFLICT (dataset_id, source_ref) DO UPDATE SET line = excluded.line');
  const start = performance.now();
  db.transaction(() => {
    for (const row of rows) upsert.run(row.sourceRef, row.line);
  })();
  const elapsed = performance.now() - start;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const trove = await spawnTrove(['--data-dir', dataDir]);
  const pid = trove.child.pid!;
  try {
    console.log(`Trove ${trove.url}, pid ${pid}, ${runs} runs per kind`);
    for (const [kind, line] of [['classification', classificationLine], ['detection', detectionLine]] as const) {
      const acks: number[] = [];
      const completes: number[] = [];
      const raws: number[] = [];
      const peaks: number[] = [];
      let count = 0;
      let bytes = 0;
      for (let run = 0; run < runs; run++) {
        const { blob, lines } = blobOf(line, LIMIT, run * 1_000_000);
        count = lines.length;
        bytes = blob.length;
        const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: `bench-${kind}-${run}` });
        const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
        await waitSettled(trove.url, DatasetArn);
        const body = { DatasetArn, Changes: { GroundTruth: blob.toString('base64') } };
        global.gc?.();
        const idle = rss(pid);
        resetPeak(pid);
        const start = performance.now();
        await rekognition(trove.url, 'UpdateDatasetEntries', body);
        acks.push(performance.now() - start);
        const [description] = await timed(() => waitSettled(trove.url, DatasetArn));
        completes.push(performance.now() - start);
        peaks.push(peakRss(pid) - idle);
        if (description.Status !== 'UPDATE_COMPLETE' || description.DatasetStats.TotalEntries !== count) {
          throw new Error(`unexpected result ${JSON.stringify(description)}`);
        }
        const parsed = lines.map((text) => ({ sourceRef: (JSON.parse(text) as { 'source-ref': string })['source-ref'], line: text }));
        raws.push(baseline(parsed));
      }
      const trove50 = median(completes);
      const raw50 = median(raws);
      console.log(`\n${kind}: ${count} lines, ${mb(bytes)} per request`);
      console.log(`  time to acknowledge      ${ms(median(acks))}  (runs: ${acks.map(ms).join(', ')})`);
      console.log(`  time to UPDATE_COMPLETE  ${ms(trove50)}  (runs: ${completes.map(ms).join(', ')})`);
      console.log(`  raw better-sqlite3 upsert of the parsed rows  ${ms(raw50)}  (runs: ${raws.map(ms).join(', ')})`);
      console.log(`  Trove end-to-end rate / raw upsert rate = ${(raw50 / trove50).toFixed(2)}  (target >= 0.5)`);
      console.log(`  peak RSS above idle      ${mb(median(peaks))} = ${(median(peaks) / bytes).toFixed(1)}x the request (target < 10x)`);
    }
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
