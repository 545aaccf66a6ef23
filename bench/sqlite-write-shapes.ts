/**
 * The SQL of a change's transaction on SQLite, shape by shape (issue #16): the entry rows and
 * label rows of a 5 MB UpdateDatasetEntries change written into Trove's own schema, in 64 KiB
 * chunks as the job writes them: with a prepared one-row INSERT per entry row and per label row
 * (what SqliteDriver runs; the reference), through Trove's own code (RkEntriesRepository.insert
 * in a SqliteDriver transaction: what it adds to the same statements), and in other shapes:
 *
 * - multi-row INSERTs of 16, 64 or 200 rows per statement (and one-row statements for the tail);
 * - label rows from one JSON array per chunk (`INSERT ... SELECT ... FROM json_each(?)`);
 * - label rows sorted by (label, entry) within a chunk, so each label's index range is written
 *   in one go;
 * - one-row statements with a 64 MiB page cache instead of the writer's 4 MiB (no spilling of
 *   dirty pages to the WAL before COMMIT, at the price of that memory).
 *
 * Each variant writes into a fresh database with Trove's durability settings; time is the
 * process's CPU time of the transaction, its COMMIT included (a page cache large enough not to
 * spill moves the writing of pages into the COMMIT; the wait for the disk is not CPU time),
 * minimum and median over the rounds, variants interleaved round by round. Prints each variant's
 * median as a ratio of the reference's (below 1: faster).
 *
 *   npx tsx bench/sqlite-write-shapes.ts [--rounds 8]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { validateLine } from '../src/domain/rekognition/manifest/validate-line.js';
import type { EntryRow } from '../src/store/records.js';
import { RkEntriesRepository } from '../src/store/sql/rk-entries-repository.js';
import { SqliteDriver } from '../src/store/sqlite/sqlite-driver.js';
import { blobOf, classificationLine, detectionLine } from './lib/fixtures.js';
import { median } from './lib/trove-process.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '8' } } });
const rounds = Number(values.rounds);
const LIMIT = 5_242_880;
/** Line text per write, as the UpdateDatasetEntries job chunks a change. */
const CHUNK_CHARS = 64 * 1024;
const DATASET = 1;
const REVISION = 2;
const MIGRATIONS = new URL('../src/store/sqlite/migrations/', import.meta.url);

const ENTRY_HEAD = 'INSERT INTO rk_entries (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev) VALUES ';
const ENTRY_TUPLE = '(?, ?, ?, ?, ?, ?, ?)';
const LABEL_HEAD = 'INSERT INTO rk_entry_labels (dataset_id, label, entry_id, has_errors, source_ref) VALUES ';
const LABEL_TUPLE = '(?, ?, ?, ?, ?)';

type Params = (string | number)[];

function chunksOf(rows: readonly EntryRow[]): EntryRow[][] {
  const chunks: EntryRow[][] = [];
  let chunk: EntryRow[] = [];
  let chars = 0;
  for (const row of rows) {
    chunk.push(row);
    chars += row.line.length;
    if (chars >= CHUNK_CHARS) {
      chunks.push(chunk);
      chunk = [];
      chars = 0;
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

const entryParams = (row: EntryRow): Params => [DATASET, row.sourceRef, row.line, JSON.stringify(row.labels), row.isLabeled ? 1 : 0, row.hasErrors ? 1 : 0, REVISION];

function labelParams(chunk: readonly EntryRow[], firstId: (i: number) => number): Params[] {
  const rows: Params[] = [];
  chunk.forEach((row, i) => {
    for (const [label] of row.labels) rows.push([DATASET, label, firstId(i), row.hasErrors ? 1 : 0, row.sourceRef]);
  });
  return rows;
}

/** A fresh database file with Trove's schema and the writer's settings. */
function rawDatabase(cacheKib = 4096): { db: Database.Database; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-shapes-'));
  const db = new Database(join(dir, 'trove.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`cache_size = -${cacheKib}`);
  // As Trove's writer: no checkpoint inside COMMIT (its checkpointer thread does that later).
  db.pragma('wal_autocheckpoint = 16384');
  for (const file of readdirSync(MIGRATIONS).filter((name) => name.endsWith('.sql')).sort()) db.exec(readFileSync(new URL(file, MIGRATIONS), 'utf8'));
  return { db, done: () => { db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** CPU milliseconds of `fn`. */
function cpu(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Raw better-sqlite3 in one transaction: `write` gets the database and the chunks. */
function raw(write: (db: Database.Database, chunks: readonly EntryRow[][]) => void, cacheKib?: number) {
  return async (chunks: readonly EntryRow[][]): Promise<number> => {
    const { db, done } = rawDatabase(cacheKib);
    const elapsed = cpu(() => db.transaction(() => write(db, chunks))());
    done();
    return elapsed;
  };
}

/** One-row prepared statements, as SqliteDriver runs them; `order` may reorder a chunk's label rows. */
function oneRow(order?: (rows: Params[]) => void) {
  return (db: Database.Database, chunks: readonly EntryRow[][]) => {
    const entry = db.prepare(ENTRY_HEAD + ENTRY_TUPLE);
    const label = db.prepare(LABEL_HEAD + LABEL_TUPLE);
    for (const chunk of chunks) {
      const ids = chunk.map((row) => Number(entry.run(...entryParams(row)).lastInsertRowid));
      const labels = labelParams(chunk, (i) => ids[i]);
      order?.(labels);
      for (const params of labels) label.run(...params);
    }
  };
}

/**
 * Multi-row INSERTs of `perStatement` rows, one-row ones for the tail. An entry statement's rows
 * get consecutive ids ending at its last insert rowid (SQLite numbers each new row max(id) + 1).
 */
function multiRow(perStatement: number) {
  return (db: Database.Database, chunks: readonly EntryRow[][]) => {
    const statements = new Map<string, Database.Statement>();
    const statement = (head: string, tuple: string, rows: number) => {
      const sql = head + Array.from({ length: rows }, () => tuple).join(', ');
      let prepared = statements.get(sql);
      if (!prepared) statements.set(sql, prepared = db.prepare(sql));
      return prepared;
    };
    const insert = (head: string, tuple: string, rows: readonly Params[]): number => {
      let last = 0;
      let i = 0;
      for (; i + perStatement <= rows.length; i += perStatement) last = Number(statement(head, tuple, perStatement).run(...rows.slice(i, i + perStatement).flat()).lastInsertRowid);
      for (; i < rows.length; i++) last = Number(statement(head, tuple, 1).run(...rows[i]).lastInsertRowid);
      return last;
    };
    for (const chunk of chunks) {
      const last = insert(ENTRY_HEAD, ENTRY_TUPLE, chunk.map(entryParams));
      const first = last - chunk.length + 1;
      insert(LABEL_HEAD, LABEL_TUPLE, labelParams(chunk, (i) => first + i));
    }
  };
}

/** Entry rows one by one, each chunk's label rows from one JSON array. */
function jsonLabels(db: Database.Database, chunks: readonly EntryRow[][]): void {
  const entry = db.prepare(ENTRY_HEAD + ENTRY_TUPLE);
  const labels = db.prepare(`INSERT INTO rk_entry_labels (dataset_id, label, entry_id, has_errors, source_ref)
    SELECT ?, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`);
  for (const chunk of chunks) {
    const ids = chunk.map((row) => Number(entry.run(...entryParams(row)).lastInsertRowid));
    labels.run(DATASET, JSON.stringify(labelParams(chunk, (i) => ids[i])));
  }
}

/** Trove's own write path: RkEntriesRepository.insert in a SqliteDriver transaction. */
async function trove(chunks: readonly EntryRow[][]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-shapes-'));
  const driver = new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'FULL' });
  await driver.migrate();
  // The driver's WAL checkpointer is a worker thread: let it start (and checkpoint the migrations)
  // before timing, since process.cpuUsage counts every thread.
  await sleep(300);
  const start = process.cpuUsage();
  await driver.transaction(async (tx) => {
    const entries = new RkEntriesRepository(tx, driver.dialect);
    for (const chunk of chunks) await entries.insert(DATASET, REVISION, chunk);
  });
  const used = process.cpuUsage(start);
  const elapsed = (used.user + used.system) / 1000;
  await driver.close();
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

const byLabel = (rows: Params[]) => rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : Number(a[2]) - Number(b[2])));
const VARIANTS: [string, (chunks: readonly EntryRow[][]) => Promise<number>][] = [
  ['one-row statements (raw better-sqlite3)', raw(oneRow())],
  ['Trove (RkEntriesRepository, SqliteDriver)', trove],
  ['multi-row, 16 rows a statement', raw(multiRow(16))],
  ['multi-row, 64 rows a statement', raw(multiRow(64))],
  ['multi-row, 200 rows a statement', raw(multiRow(200))],
  ['label rows from json_each, one statement a chunk', raw(jsonLabels)],
  ['label rows sorted by label within a chunk', raw(oneRow(byLabel))],
  ['one-row statements, 64 MiB page cache', raw(oneRow(), 65_536)],
];

for (const [kind, line] of [['classification', classificationLine], ['detection', detectionLine]] as const) {
  const rows = blobOf(line, LIMIT).lines.map((text): EntryRow => {
    const outcome = validateLine(text);
    if (outcome.kind !== 'entry') throw new Error('fixture line dropped');
    const { entry } = outcome;
    return { sourceRef: entry.sourceRef, line: entry.line, labels: entry.labels.map((l) => [l.name, l.boxes] as const), isLabeled: entry.isLabeled, hasErrors: entry.hasErrors };
  });
  const chunks = chunksOf(rows);
  const times = VARIANTS.map((): number[] => []);
  // Round 0 warms up (JIT, statement caches, the file system) and is not counted.
  for (let round = 0; round <= rounds; round++) {
    for (const [v, [, run]] of VARIANTS.entries()) {
      const elapsed = await run(chunks);
      if (round > 0) times[v].push(elapsed);
    }
  }
  const labelRows = rows.reduce((sum, row) => sum + row.labels.length, 0);
  console.log(`\n${kind}: ${rows.length} entry rows, ${labelRows} label rows, ${chunks.length} chunks (CPU ms of the transaction and its COMMIT, ${rounds} rounds)`);
  const base = median(times[0]);
  VARIANTS.forEach(([name], v) => {
    const sorted = [...times[v]].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(52)} min ${sorted[0].toFixed(1).padStart(6)}  median ${median(times[v]).toFixed(1).padStart(6)}  = ${(median(times[v]) / base).toFixed(2)}x`);
  });
}
