/**
 * Ingest benchmark (issue #2): one 5 MB UpdateDatasetEntries of classification lines and one of
 * detection lines against a real `bin/trove` process. Reports time to acknowledge, time to
 * UPDATE_COMPLETE, peak RSS above idle, and the ratio against better-sqlite3 upserting the same
 * parsed rows in-process in the same run (target: Trove's end-to-end rate >= 0.5 of it), in two
 * forms: into Trove's own schema (the same storage work: entry rows, label rows, trigram index —
 * the ratio is then Trove's overhead: HTTP, base64, validation, job) and into a one-table schema
 * (source_ref primary key and the line; the cost of everything Trove stores beyond that).
 *
 *   npm run build && npx tsx bench/rekognition-ingest.ts [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { validateLine } from '../src/domain/rekognition/manifest/validate-line.js';
import { blobOf, classificationLine, detectionLine } from './lib/fixtures.js';
import { mb, median, ms, peakRss, rekognition, resetPeak, rss, spawnTrove, timed, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const LIMIT = 5_242_880;

interface ParsedRow { sourceRef: string; line: string; labels: [string, number][]; isLabeled: boolean; hasErrors: boolean }

/** better-sqlite3 writing the parsed rows into Trove's own schema, in one transaction, as Trove stores them. */
function sameSchemaBaseline(rows: ParsedRow[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const migrations = new URL('../src/store/sqlite/migrations/', import.meta.url);
  for (const file of readdirSync(migrations).sort()) db.exec(readFileSync(new URL(file, migrations), 'utf8'));
  const live = db.prepare('SELECT id FROM rk_entries WHERE dataset_id = 1 AND deleted_rev IS NULL AND source_ref = ?');
  const insert = db.prepare('INSERT INTO rk_entries (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1, ?, ?, ?, ?, ?, 1)');
  const label = db.prepare('INSERT INTO rk_entry_labels (dataset_id, label, entry_id) VALUES (1, ?, ?)');
  const trigram = db.prepare('INSERT INTO rk_entries_fts (rowid, source_ref) VALUES (?, ?)');
  const start = performance.now();
  db.transaction(() => {
    for (const row of rows) {
      live.get(row.sourceRef);
      const id = insert.run(row.sourceRef, row.line, JSON.stringify(row.labels), row.isLabeled ? 1 : 0, row.hasErrors ? 1 : 0).lastInsertRowid;
      for (const [name] of row.labels) label.run(name, id);
      trigram.run(id, row.sourceRef);
    }
  })();
  const elapsed = performance.now() - start;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

/** better-sqlite3 upserting (source_ref, line) into one table, in one transaction, with Trove's durability settings. */
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
    console.log(`Trove ${trove.url}, pid ${pid}, ${runs} measured runs per kind after one warm-up run`);
    for (const [kind, line] of [['classification', classificationLine], ['detection', detectionLine]] as const) {
      const acks: number[] = [];
      const completes: number[] = [];
      const raws: number[] = [];
      const sames: number[] = [];
      const peaks: number[] = [];
      let count = 0;
      let bytes = 0;
      // Run 0 warms the process up (JIT, V8 heap growth to its working size) and is not reported.
      for (let run = 0; run <= runs; run++) {
        const { blob, lines } = blobOf(line, LIMIT, run * 1_000_000);
        count = lines.length;
        bytes = blob.length;
        const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: `bench-${kind}-${run}` });
        const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
        await waitSettled(trove.url, DatasetArn);
        const body = { DatasetArn, Changes: { GroundTruth: blob.toString('base64') } };
        const measured = run > 0;
        global.gc?.();
        const idle = rss(pid);
        resetPeak(pid);
        const start = performance.now();
        await rekognition(trove.url, 'UpdateDatasetEntries', body);
        const ack = performance.now() - start;
        const [description] = await timed(() => waitSettled(trove.url, DatasetArn));
        if (measured) {
          acks.push(ack);
          completes.push(performance.now() - start);
          peaks.push(peakRss(pid) - idle);
        }
        if (description.Status !== 'UPDATE_COMPLETE' || description.DatasetStats.TotalEntries !== count) {
          throw new Error(`unexpected result ${JSON.stringify(description)}`);
        }
        const parsed = lines.map((text): ParsedRow => {
          const outcome = validateLine(text);
          if (outcome.kind !== 'entry') throw new Error('fixture line dropped');
          const { entry } = outcome;
          return { sourceRef: entry.sourceRef, line: entry.line, labels: entry.labels.map((l) => [l.name, l.boxes]), isLabeled: entry.isLabeled, hasErrors: entry.hasErrors };
        });
        if (!measured) continue;
        sames.push(sameSchemaBaseline(parsed));
        raws.push(baseline(parsed));
      }
      const trove50 = median(completes);
      const raw50 = median(raws);
      const same50 = median(sames);
      console.log(`\n${kind}: ${count} lines, ${mb(bytes)} per request`);
      console.log(`  time to acknowledge      ${ms(median(acks))}  (runs: ${acks.map(ms).join(', ')})`);
      console.log(`  time to UPDATE_COMPLETE  ${ms(trove50)}  (runs: ${completes.map(ms).join(', ')})`);
      console.log(`  better-sqlite3 writing the parsed rows into Trove's schema  ${ms(same50)}  (runs: ${sames.map(ms).join(', ')})`);
      console.log(`  better-sqlite3 upserting (source_ref, line) into one table   ${ms(raw50)}  (runs: ${raws.map(ms).join(', ')})`);
      console.log(`  Trove end-to-end rate / same-schema raw rate = ${(same50 / trove50).toFixed(2)}  (target >= 0.5)`);
      console.log(`  Trove end-to-end rate / one-table raw rate   = ${(raw50 / trove50).toFixed(2)}`);
      console.log(`  peak RSS above idle      ${mb(median(peaks))} = ${(median(peaks) / bytes).toFixed(1)}x the request (target < 10x)`);
    }
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
