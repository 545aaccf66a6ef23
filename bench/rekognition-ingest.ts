/**
 * Ingest benchmark (issues #2, #16): 5 MB UpdateDatasetEntries of classification lines and of
 * detection lines against a real `bin/trove` process, a fresh one per kind. Reports time to
 * acknowledge, time to UPDATE_COMPLETE (both from the first byte sent: the request is serialised
 * and signed before the clock starts, and that time is printed too, with the ratio it would
 * give), and ratios against better-sqlite3 doing the work
 * in-process in the same run (WAL, synchronous FULL, one transaction):
 *
 * - two-table (issue #16's baseline, target >= 0.6): parse each line (JSON.parse, its source-ref,
 *   the class-names of its classification attributes and the class-map names of its boxes) and
 *   write the same rows Trove writes into an entries table (upsert by source-ref) and their label
 *   rows into a label table. Also shown: the write alone, without the parse.
 * - same schema: the same parsed rows written into Trove's own tables as a change's transaction
 *   writes them (entry rows, label rows; the trigram index is brought up to date after the
 *   commit), so the ratio is Trove's overhead (HTTP, base64, validation, the durable job).
 * - one table: (source_ref, line) upserted into one table.
 *
 * Each ingest, and the baselines after it, start once the server is idle (waitIdle).
 *
 * Memory: peak RSS of the server above its RSS right after start-up, over its first three
 * ingests (issue #16: target < 10x the request), and above a warmed-up idle for each measured run.
 *
 *   npm run build && npx tsx bench/rekognition-ingest.ts [--runs 3]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { validateLine } from '../src/domain/rekognition/manifest/validate-line.js';
import { blobOf, classificationLine, detectionLine } from './lib/fixtures.js';
import { rekognitionRequest, signRequest } from '../test/harness/sigv4.js';
import { mb, median, ms, peakRss, rekognition, resetPeak, rss, spawnTrove, waitIdle, waitSettled } from './lib/trove-process.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const LIMIT = 5_242_880;
const SIGNING = { accessKeyId: 'test', secretAccessKey: 'test', service: 'rekognition' };
/** fetch sets Host and Content-Length itself, to the values the signer signed. */
const withoutHost = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => !['host', 'content-length'].includes(name.toLowerCase())));

interface ParsedRow { sourceRef: string; line: string; labels: [string, number][]; isLabeled: boolean; hasErrors: boolean }

/** A fresh SQLite database with Trove's durability settings; `done` closes and removes it. */
function rawDatabase(schema: (db: Database.Database) => void): { db: Database.Database; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  schema(db);
  return { db, done: () => { db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * What any ingester must read from a line: its source-ref, the class-name of each
 * classification attribute and the class-map name of each box (no validation beyond that).
 */
function parseLabels(text: string): { sourceRef: string; labels: Set<string> } {
  const object = JSON.parse(text) as Record<string, any>;
  const labels = new Set<string>();
  for (const key of Object.keys(object)) {
    const metadata = object[`${key}-metadata`];
    if (typeof metadata !== 'object' || metadata === null) continue;
    if (typeof metadata['class-name'] === 'string') labels.add(metadata['class-name']);
    const classMap = metadata['class-map'];
    const annotations = object[key]?.annotations;
    if (classMap && Array.isArray(annotations)) for (const box of annotations) if (classMap[box.class_id] !== undefined) labels.add(String(classMap[box.class_id]));
  }
  return { sourceRef: object['source-ref'], labels };
}

/**
 * Issue #16's baseline: the lines parsed and their rows written into a two-table schema (entries
 * upserted by source-ref, one label row per label of an entry). Returns [parse + write, write alone].
 */
function twoTableBaseline(texts: readonly string[], rows: readonly ParsedRow[]): [number, number] {
  const schema = (db: Database.Database) => db.exec(`
    CREATE TABLE entries (id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL, source_ref TEXT NOT NULL, line TEXT NOT NULL, UNIQUE (dataset_id, source_ref));
    CREATE TABLE entry_labels (dataset_id INTEGER NOT NULL, label TEXT NOT NULL, entry_id INTEGER NOT NULL, PRIMARY KEY (dataset_id, label, entry_id)) WITHOUT ROWID;`);
  const write = (db: Database.Database, parsed: readonly { sourceRef: string; line: string; labels: Iterable<string> }[]) => {
    const upsert = db.prepare('INSERT INTO entries (dataset_id, source_ref, line) VALUES (1, ?, ?) ON CONFLICT (dataset_id, source_ref) DO UPDATE SET line = excluded.line RETURNING id');
    const label = db.prepare('INSERT OR IGNORE INTO entry_labels (dataset_id, label, entry_id) VALUES (1, ?, ?)');
    db.transaction(() => {
      for (const row of parsed) {
        const { id } = upsert.get(row.sourceRef, row.line) as { id: number };
        for (const name of row.labels) label.run(name, id);
      }
    })();
  };
  const whole = rawDatabase(schema);
  let start = performance.now();
  // The stored line is Trove's (with its cl-metadata), so both write the same bytes.
  write(whole.db, texts.map((text, i) => ({ ...parseLabels(text), line: rows[i].line })));
  const withParse = performance.now() - start;
  whole.done();
  const writeOnly = rawDatabase(schema);
  start = performance.now();
  write(writeOnly.db, rows.map((row) => ({ sourceRef: row.sourceRef, line: row.line, labels: row.labels.map(([name]) => name) })));
  const alone = performance.now() - start;
  writeOnly.done();
  return [withParse, alone];
}

/** better-sqlite3 writing the parsed rows into Trove's own schema, in one transaction, as Trove stores them. */
function sameSchemaBaseline(rows: readonly ParsedRow[]): number {
  const migrations = new URL('../src/store/sqlite/migrations/', import.meta.url);
  const { db, done } = rawDatabase((d) => {
    for (const file of readdirSync(migrations).sort()) d.exec(readFileSync(new URL(file, migrations), 'utf8'));
  });
  const live = db.prepare('SELECT id FROM rk_entries WHERE dataset_id = 1 AND deleted_rev IS NULL AND source_ref = ?');
  const insert = db.prepare('INSERT INTO rk_entries (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES (1, ?, ?, ?, ?, ?, 1)');
  const label = db.prepare('INSERT INTO rk_entry_labels (dataset_id, label, entry_id, has_errors, source_ref) VALUES (1, ?, ?, ?, ?)');
  const start = performance.now();
  db.transaction(() => {
    for (const row of rows) {
      live.get(row.sourceRef);
      const id = insert.run(row.sourceRef, row.line, JSON.stringify(row.labels), row.isLabeled ? 1 : 0, row.hasErrors ? 1 : 0).lastInsertRowid;
      for (const [name] of row.labels) label.run(name, id, row.hasErrors ? 1 : 0, row.sourceRef);
    }
  })();
  const elapsed = performance.now() - start;
  done();
  return elapsed;
}

/** better-sqlite3 upserting (source_ref, line) into one table, in one transaction, with Trove's durability settings. */
function oneTableBaseline(rows: readonly ParsedRow[]): number {
  const { db, done } = rawDatabase((d) => d.exec('CREATE TABLE entries (dataset_id INTEGER NOT NULL, source_ref TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (dataset_id, source_ref))'));
  const upsert = db.prepare('INSERT INTO entries (dataset_id, source_ref, line) VALUES (1, ?, ?) ON CONFLICT (dataset_id, source_ref) DO UPDATE SET line = excluded.line');
  const start = performance.now();
  db.transaction(() => {
    for (const row of rows) upsert.run(row.sourceRef, row.line);
  })();
  const elapsed = performance.now() - start;
  done();
  return elapsed;
}

function parsedRows(lines: readonly string[]): ParsedRow[] {
  return lines.map((text): ParsedRow => {
    const outcome = validateLine(text);
    if (outcome.kind !== 'entry') throw new Error('fixture line dropped');
    const { entry } = outcome;
    return { sourceRef: entry.sourceRef, line: entry.line, labels: entry.labels.map((l) => [l.name, l.boxes]), isLabeled: entry.isLabeled, hasErrors: entry.hasErrors };
  });
}

const ratio = (baseline: number, trove: number) => (baseline / trove).toFixed(2);
const runsOf = (values: number[], format: (v: number) => string = ms) => values.map(format).join(', ');

async function measure(kind: string, line: (i: number) => string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const trove = await spawnTrove(['--data-dir', dataDir]);
  const pid = trove.child.pid!;
  try {
    // RSS right after start-up: the server has answered nothing yet.
    const startup = rss(pid);
    let sinceStartup = 0;
    const acks: number[] = [];
    const completes: number[] = [];
    const preps: number[] = [];
    const twoTable: number[] = [];
    const writeOnly: number[] = [];
    const sames: number[] = [];
    const oneTable: number[] = [];
    const peaks: number[] = [];
    let count = 0;
    let bytes = 0;
    // Run 0 warms the process up (JIT, V8 heap growth to its working size) and is not timed.
    for (let run = 0; run <= runs; run++) {
      const { blob, lines } = blobOf(line, LIMIT, run * 1_000_000);
      count = lines.length;
      bytes = blob.length;
      const { ProjectArn } = await rekognition<{ ProjectArn: string }>(trove.url, 'CreateProject', { ProjectName: `bench-${kind}-${run}` });
      const { DatasetArn } = await rekognition<{ DatasetArn: string }>(trove.url, 'CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
      await waitSettled(trove.url, DatasetArn);
      const body = { DatasetArn, Changes: { GroundTruth: blob.toString('base64') } };
      const measured = run > 0;
      // The kernel's peak since start-up (run 0) or since the last reset: read it before resetting,
      // so the peak of the first three ingests above start-up is the largest of these.
      if (run > 0 && run <= 3) sinceStartup = Math.max(sinceStartup, peakRss(pid) - startup);
      // Both sides start on a quiet machine: the server's substring-index catch-up after the last
      // change (SQLite) would otherwise run during this one, or beside the baselines below.
      await waitIdle(trove);
      const idle = rss(pid);
      if (measured) resetPeak(pid);
      // The client's own work (serialising the 7 MB body, hashing it for SigV4) is timed apart
      // and sent pre-signed, as bench/agentcore-update-examples.ts does (issue #16 asks that of
      // that bench because the client's work is not the server's); both sums are printed.
      const prepStart = performance.now();
      const request = await signRequest(trove.url, rekognitionRequest('UpdateDatasetEntries', body), SIGNING);
      const prep = performance.now() - prepStart;
      const start = performance.now();
      const answer = await fetch(`${trove.url}/`, { method: 'POST', headers: withoutHost(request.headers), body: request.body });
      if (answer.status !== 200) throw new Error(`UpdateDatasetEntries: ${answer.status} ${await answer.text()}`);
      await answer.arrayBuffer();
      const ack = performance.now() - start;
      const description = await waitSettled(trove.url, DatasetArn);
      const complete = performance.now() - start;
      if (description.Status !== 'UPDATE_COMPLETE' || description.DatasetStats.TotalEntries !== count) {
        throw new Error(`unexpected result ${JSON.stringify(description)}`);
      }
      if (!measured) continue;
      await waitIdle(trove);
      acks.push(ack);
      completes.push(complete);
      preps.push(prep);
      peaks.push(peakRss(pid) - idle);
      const rows = parsedRows(lines);
      const [withParse, alone] = twoTableBaseline(lines, rows);
      twoTable.push(withParse);
      writeOnly.push(alone);
      sames.push(sameSchemaBaseline(rows));
      oneTable.push(oneTableBaseline(rows));
    }
    if (runs < 3) console.log('(fewer than three ingests: the peak above start-up covers only those)');
    sinceStartup = Math.max(sinceStartup, runs < 3 ? peakRss(pid) - startup : 0);
    const trove50 = median(completes);
    const withClient = completes.map((c, i) => c + preps[i]);
    console.log(`\n${kind}: ${count} lines, ${mb(bytes)} per request (medians of ${runs} runs after a warm-up run)`);
    console.log(`  time to acknowledge      ${ms(median(acks))}  (runs: ${runsOf(acks)})`);
    console.log(`  time to UPDATE_COMPLETE  ${ms(trove50)}  (runs: ${runsOf(completes)}), from the first byte sent`);
    console.log(`  the client's serialising and signing before it  ${ms(median(preps))}  (runs: ${runsOf(preps)})`);
    console.log(`  two-table raw: parse + write ${ms(median(twoTable))} (runs: ${runsOf(twoTable)}); the write alone ${ms(median(writeOnly))}`);
    console.log(`  same-schema raw write        ${ms(median(sames))} (runs: ${runsOf(sames)})`);
    console.log(`  one-table raw upsert         ${ms(median(oneTable))} (runs: ${runsOf(oneTable)})`);
    console.log(`  Trove rate / two-table raw rate   = ${ratio(median(twoTable), trove50)}  (target >= 0.6; per run: ${completes.map((c, i) => ratio(twoTable[i], c)).join(', ')})`);
    console.log(`  with the client's serialising and signing     = ${ratio(median(twoTable), median(withClient))}  (per run: ${withClient.map((c, i) => ratio(twoTable[i], c)).join(', ')})`);
    console.log(`  Trove rate / same-schema raw rate = ${ratio(median(sames), trove50)}  (per run: ${completes.map((c, i) => ratio(sames[i], c)).join(', ')})`);
    console.log(`  Trove rate / one-table raw rate   = ${ratio(median(oneTable), trove50)}`);
    console.log(`  peak RSS above start-up RSS (${mb(startup)}), first three ingests: ${mb(sinceStartup)} = ${(sinceStartup / bytes).toFixed(1)}x the request (target < 10x)`);
    console.log(`  peak RSS above warmed-up idle: ${mb(median(peaks))} = ${(median(peaks) / bytes).toFixed(1)}x (runs: ${runsOf(peaks, (p) => `${(p / bytes).toFixed(1)}x`)})`);
  } finally {
    await trove.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const [kind, line] of [['classification', classificationLine], ['detection', detectionLine]] as const) await measure(kind, line);
