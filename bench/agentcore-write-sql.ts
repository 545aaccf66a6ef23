/**
 * The SQL of an UpdateDatasetExamples of 1,000 examples of about 1 KB on SQLite (issue #16),
 * against the SQL of bench/agentcore-update-examples.ts's baseline: how far Trove's own row
 * versions are from a plain upsert, with HTTP, JSON and validation left out.
 *
 * - trove: what the accepting transaction runs (AcExamplesRepository.supersedeLive and insert in
 *   a SqliteDriver transaction: the live versions superseded in one statement, a row version and
 *   a content row per example);
 * - trove, no listing index: the same without ac_examples_order, the index every row version
 *   enters in listing order (its pages of a dataset are all rewritten each round, as a position's
 *   versions sit together): what any redesign of that index could save at most;
 * - candidates for fewer row writes per replaced example (2026-12-07; see docs/architecture.md,
 *   AgentCore "Storage shapes measured"):
 *   (a) the live version overwritten in place (content row and its ac_examples row), as a writer
 *       could only where no reader can be pinned to the old version;
 *   (b) versions that supersede by being newer (no deleted_rev; a reader takes each position's
 *       newest version at or below its revision), in a table of their own;
 *   (b') the same in Trove's schema: the accepting transaction reads the positions and inserts
 *       the new versions; the old versions' deleted_rev is set by a later transaction (timed
 *       apart), readers meanwhile hiding a version a newer one at or below their revision
 *       supersedes (one index probe a row);
 * - baseline: the benchmark's in-process upsert of (example_id, content) into one table.
 *
 * Then a page of 100 examples from the middle of the listing, read at the newest revision and at
 * revision 2 of the much-updated dataset (as many versions a position as rounds), each variant
 * the way its readers would have to.
 *
 * Each variant writes into a fresh database with Trove's durability settings (WAL, synchronous
 * FULL); round r replaces every example for the r-th time, as round r of the benchmark does
 * (the dataset then holds r versions a position). Time is the process's CPU time of the
 * transaction, its COMMIT included (the wait for the disk is not CPU time), medians over the
 * rounds, variants interleaved round by round, with a pause after each for the background WAL
 * checkpoint (a thread of this process too) to run untimed.
 *
 *   npx tsx bench/agentcore-write-sql.ts [--rounds 21]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { AcExamplesRepository } from '../src/store/sql/ac-examples-repository.js';
import { SqliteDriver } from '../src/store/sqlite/sqlite-driver.js';
import type { SqlExecutor } from '../src/store/sql/sql-driver.js';
import type { ExampleRow } from '../src/store/agentcore-records.js';
import { example, median } from './agentcore-harness.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' } } });
const ROUNDS = Number(values.rounds);
const SIZE = 1000;
const DATASET = 1;

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

interface Variant {
  readonly name: string;
  /** Writes round `round` (0: the examples' first versions); resolves to its CPU time. */
  round(round: number, contents: readonly string[]): Promise<number>;
  /** Reads a page of PAGE_ROWS examples from the middle of the listing at `revision`; resolves to its CPU time. */
  page?(revision: number): Promise<number>;
  /** CPU times of work a round leaves for later (not in the round's time). */
  readonly after?: { name: string; times: number[] };
  close(): Promise<void>;
}

const PAGE_ROWS = 100;
const PAGE_AFTER = 450;

async function timed(read: () => Promise<unknown>): Promise<number> {
  const started = cpuMs();
  await read();
  return cpuMs() - started;
}

/**
 * A page as AcExamplesRepository.page reads it (sizes from the listing index, then the rows with
 * their content), where a position's newest version created at or below the revision hides the
 * older ones (the NOT EXISTS probe): what readers of candidates (b) and (b') must do.
 */
async function newestVersionPage(driver: SqliteDriver, table: string, contents: string, revision: number, withDeletedRev: boolean): Promise<number> {
  const visible = `e.created_rev <= ?${withDeletedRev ? ' AND (e.deleted_rev IS NULL OR e.deleted_rev > ?)' : ''}
    AND NOT EXISTS (SELECT 1 FROM ${table} n WHERE n.dataset_id = e.dataset_id AND n.seq = e.seq AND n.created_rev > e.created_rev AND n.created_rev <= ?)`;
  const revs = withDeletedRev ? [revision, revision, revision] : [revision, revision];
  const sizes = await driver.all<{ seq: number; content_bytes: number }>(
    `SELECT e.seq, e.content_bytes FROM ${table} e WHERE e.dataset_id = ? AND e.seq > ? AND ${visible} ORDER BY e.seq LIMIT ?`,
    [DATASET, PAGE_AFTER, ...revs, PAGE_ROWS + 1]);
  const rows = await driver.all(
    `SELECT e.example_id, e.seq, c.content FROM ${table} e JOIN ${contents} c ON c.id = e.id
     WHERE e.dataset_id = ? AND e.seq > ? AND e.seq <= ? AND ${visible} ORDER BY e.seq`,
    [DATASET, PAGE_AFTER, sizes[PAGE_ROWS - 1].seq, ...revs]);
  if (rows.length !== PAGE_ROWS) throw new Error(`${rows.length} rows on a page at revision ${revision}`);
  return rows.length;
}

async function repositoryPage(driver: SqliteDriver, revision: number): Promise<number> {
  const { rows } = await new AcExamplesRepository(driver, driver.dialect).page(DATASET, revision, PAGE_AFTER, PAGE_ROWS, 5 * 1024 * 1024);
  if (rows.length !== PAGE_ROWS) throw new Error(`${rows.length} rows on a page at revision ${revision}`);
  return rows.length;
}

/** A fresh database in Trove's schema, with Trove's durability settings, for one variant. */
async function troveDatabase(dir: string, name: string): Promise<SqliteDriver> {
  const driver = new SqliteDriver({ filename: join(dir, `${name.replace(/\W+/g, '-')}.db`), synchronous: 'FULL' });
  await driver.migrate();
  return driver;
}

/** Each example's listing position when round 0 adds them. */
const firstSeqs = (): Map<string, number> => new Map(ids.map((id, i) => [id, i + 1]));

/** A round's rows: every example at its position with that round's content. */
const rowsOf = (seqs: ReadonlyMap<string, number>, contents: readonly string[]): ExampleRow[] =>
  ids.map((exampleId, i) => ({ exampleId, seq: seqs.get(exampleId)!, content: contents[i] }));

/** CPU time of one write transaction through AcExamplesRepository, its COMMIT included. */
const timedWrite = (driver: SqliteDriver, write: (examples: AcExamplesRepository, tx: SqlExecutor) => Promise<void>): Promise<number> =>
  timed(() => driver.transaction((tx) => write(new AcExamplesRepository(tx, driver.dialect), tx)));

async function troveVariant(name: string, dir: string, dropListingIndex: boolean): Promise<Variant> {
  const driver = await troveDatabase(dir, name);
  if (dropListingIndex) await driver.run('DROP INDEX ac_examples_order');
  return {
    name,
    round: (round, contents) => timedWrite(driver, async (examples) => {
      const seqs = round === 0 ? firstSeqs() : await examples.supersedeLive(DATASET, ids, round + 1);
      if (seqs.size !== SIZE) throw new Error(`${seqs.size} live examples`);
      await examples.insert(DATASET, round + 1, rowsOf(seqs, contents));
    }),
    page: (revision) => timed(() => repositoryPage(driver, revision)),
    close: () => driver.close(),
  };
}

/**
 * Candidate (a): overwrite in place the live version of each example (its content row, and its
 * ac_examples row's created_rev and size), as a writer may when no reader can be pinned to the
 * old version. `keepCreatedRev`: only the content and its size change.
 */
async function inPlaceVariant(name: string, dir: string, keepCreatedRev: boolean): Promise<Variant> {
  const driver = await troveDatabase(dir, name);
  return {
    name,
    round: (round, contents) => timedWrite(driver, async (examples, tx) => {
      if (round === 0) return examples.insert(DATASET, 1, rowsOf(firstSeqs(), contents));
      const live = await examples.findLive(DATASET, ids);
      if (live.length !== SIZE) throw new Error(`${live.length} live examples`);
      const at = new Map(ids.map((id, i) => [id, i]));
      await tx.runBatch('UPDATE ac_example_contents SET content = ? WHERE id = ?', live.map((row) => [contents[at.get(row.exampleId)!], row.id]));
      if (keepCreatedRev) {
        await tx.runBatch('UPDATE ac_examples SET content_bytes = ? WHERE id = ?', live.map((row) => [Buffer.byteLength(contents[at.get(row.exampleId)!]), row.id]));
      } else {
        await tx.runBatch('UPDATE ac_examples SET created_rev = ?, content_bytes = ? WHERE id = ?',
          live.map((row) => [round + 1, Buffer.byteLength(contents[at.get(row.exampleId)!]), row.id]));
      }
    }),
    // Only the newest revision is left to read (NaN: nothing to time).
    page: async (revision) => (revision > ROUNDS ? timed(() => repositoryPage(driver, keepCreatedRev ? 1 : revision)) : Number.NaN),
    close: () => driver.close(),
  };
}

/**
 * Candidate (b): versions that supersede by being newer. No deleted_rev: a reader at R takes each
 * position's newest version created at or below R (a tombstone, content_bytes -1, for a delete),
 * so a replacement is one version row and one content row and nothing old is touched.
 */
async function newerVariant(dir: string): Promise<Variant> {
  const driver = new SqliteDriver({ filename: join(dir, 'newer.db'), synchronous: 'FULL' });
  await driver.run(`CREATE TABLE v (id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL, example_id TEXT NOT NULL, seq INTEGER NOT NULL,
    content_bytes INTEGER NOT NULL, created_rev INTEGER NOT NULL)`);
  await driver.run('CREATE UNIQUE INDEX v_id ON v (dataset_id, example_id, created_rev)');
  await driver.run('CREATE INDEX v_order ON v (dataset_id, seq, created_rev, content_bytes)');
  await driver.run('CREATE INDEX v_created ON v (dataset_id, created_rev)');
  await driver.run('CREATE TABLE vc (id INTEGER PRIMARY KEY, content TEXT NOT NULL)');
  const insert = async (tx: SqlExecutor, revision: number, seqs: Map<string, number>, contents: readonly string[]) => {
    const rowIds = await tx.insertMany('v', ['dataset_id', 'example_id', 'seq', 'content_bytes', 'created_rev'],
      ids.map((id, i) => [DATASET, id, seqs.get(id)!, Buffer.byteLength(contents[i]), revision]));
    for (let i = 0; i < SIZE; i += 200) {
      const slice = rowIds.slice(i, i + 200);
      await tx.run(`INSERT INTO vc (id, content) VALUES ${slice.map(() => '(?, ?)').join(', ')}`, slice.flatMap((id, j) => [id, contents[i + j]]));
    }
  };
  return {
    name: 'newer versions supersede (no UPDATE)',
    async round(round, contents) {
      const started = cpuMs();
      await driver.transaction(async (tx) => {
        let seqs: Map<string, number>;
        if (round === 0) seqs = firstSeqs();
        else {
          const rows = await tx.all<{ example_id: string; seq: number; content_bytes: number }>(
            `SELECT example_id, seq, content_bytes, max(created_rev) FROM v WHERE dataset_id = ? AND example_id IN (${ids.map(() => '?').join(', ')}) GROUP BY example_id`,
            [DATASET, ...ids]);
          seqs = new Map(rows.filter((row) => row.content_bytes >= 0).map((row) => [row.example_id, row.seq]));
        }
        if (seqs.size !== SIZE) throw new Error(`${seqs.size} live examples`);
        await insert(tx, round + 1, seqs, contents);
      });
      return cpuMs() - started;
    },
    page: (revision) => timed(() => newestVersionPage(driver, 'v', 'vc', revision, false)),
    close: () => driver.close(),
  };
}

/**
 * Candidate (b'): replacements supersede by being newer, settled later. The accepting
 * transaction reads each example's listing position and inserts its new version and content;
 * the old version's deleted_rev is set afterwards by a separate transaction (its CPU in `settle`,
 * not in the round's time), readers meanwhile taking each position's newest version. The live-id
 * index is no longer unique (an old version and its replacement are both unsettled for a while).
 */
async function deferredVariant(dir: string, coveringLookup: boolean): Promise<Variant> {
  const name = `(b') newer supersedes, settled after${coveringLookup ? ', seq in the live index' : ''}`;
  const driver = await troveDatabase(dir, name);
  await driver.run('DROP INDEX ac_examples_live_id');
  await driver.run(`CREATE INDEX ac_examples_live_id ON ac_examples (dataset_id, example_id${coveringLookup ? ', seq' : ''}) WHERE deleted_rev IS NULL`);
  const settles: number[] = [];
  return {
    name,
    after: { name: "(b') its settling transaction, later", times: settles },
    async round(round, contents) {
      const took = await timedWrite(driver, async (examples) => {
        const seqs = round === 0 ? firstSeqs() : new Map((await examples.findLive(DATASET, ids)).map((row) => [row.exampleId, row.seq]));
        if (seqs.size !== SIZE) throw new Error(`${seqs.size} live examples`);
        await examples.insert(DATASET, round + 1, rowsOf(seqs, contents));
      });
      if (round > 0) {
        await sleep(100);
        settles.push(await timed(() => driver.transaction((tx) => tx.run(
          `UPDATE ac_examples SET deleted_rev = ? WHERE dataset_id = ? AND deleted_rev IS NULL AND created_rev < ?
             AND example_id IN (SELECT example_id FROM ac_examples WHERE dataset_id = ? AND created_rev = ?)`,
          [round + 1, DATASET, round + 1, DATASET, round + 1]), { durability: 'deferred' })));
      }
      return took;
    },
    page: (revision) => timed(() => newestVersionPage(driver, 'ac_examples', 'ac_example_contents', revision, true)),
    close: () => driver.close(),
  };
}

function baselineVariant(dir: string): Variant {
  // As bench/agentcore-update-examples.ts's baseline.
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE examples (example_id TEXT PRIMARY KEY, content TEXT NOT NULL)');
  const upsert = db.prepare('INSERT INTO examples (example_id, content) VALUES (?, ?) ON CONFLICT (example_id) DO UPDATE SET content = excluded.content');
  return {
    name: 'baseline: upsert (example_id, content)',
    async round(_round, contents) {
      const started = cpuMs();
      db.transaction(() => {
        ids.forEach((id, i) => upsert.run(id, contents[i]));
      })();
      return cpuMs() - started;
    },
    async close() {
      db.close();
    },
  };
}

const ids: string[] = Array.from({ length: SIZE }, () => randomUUID());

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-ac-sql-'));
  const variants = [
    await troveVariant('trove: supersede + row version + content', dir, false),
    await troveVariant('trove, no listing index', dir, true),
    await inPlaceVariant('(a) in place: content, created_rev, size', dir, false),
    await inPlaceVariant('(a) in place: content and size', dir, true),
    await newerVariant(dir),
    await deferredVariant(dir, false),
    await deferredVariant(dir, true),
    baselineVariant(dir),
  ];
  const times = variants.map(() => [] as number[]);
  const pages = variants.map(() => ({ newest: [] as number[], old: [] as number[] }));
  try {
    // Round 0 writes the first versions (an add); rounds 1.. replace them all, as the benchmark.
    for (let round = 0; round <= ROUNDS; round++) {
      const contents = ids.map((_, i) => JSON.stringify(example(`r${round}-${i}`)));
      for (const [v, variant] of variants.entries()) {
        const ms = await variant.round(round, contents);
        if (round > 0) times[v].push(ms);
        // process.cpuUsage counts every thread: let SqliteDriver's background WAL checkpoint
        // (scheduled 50 ms after a commit) run before the next variant's round is timed.
        await sleep(200);
      }
    }
    // Reads of the much-updated dataset (ROUNDS + 1 versions a position): a page from the middle
    // at the newest revision and at the second, variants interleaved.
    for (let i = 0; i < 30; i++) {
      for (const [v, variant] of variants.entries()) {
        if (!variant.page) continue;
        pages[v].newest.push(await variant.page(ROUNDS + 1));
        pages[v].old.push(await variant.page(2));
      }
    }
  } finally {
    for (const variant of variants) await variant.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const reference = median(times[0]);
  const pageReference = median(pages[0].newest);
  console.log(`UpdateDatasetExamples SQL, ${SIZE} examples of ~1 KB, rounds 1-${ROUNDS} (CPU ms of the transaction with its COMMIT, median; min)`);
  for (const [v, variant] of variants.entries()) {
    const m = median(times[v]);
    console.log(`  ${variant.name.padEnd(58)} ${m.toFixed(2).padStart(6)} ms; ${Math.min(...times[v]).toFixed(2)}  (${(m / reference).toFixed(2)}x trove's)`);
    if (variant.after) console.log(`    ${variant.after.name.padEnd(56)} ${median(variant.after.times).toFixed(2).padStart(6)} ms; ${Math.min(...variant.after.times).toFixed(2)}`);
  }
  console.log(`A page of ${PAGE_ROWS} examples after position ${PAGE_AFTER}, ${ROUNDS + 1} versions a position (CPU ms, median of 30; newest revision, revision 2)`);
  for (const [v, variant] of variants.entries()) {
    if (!variant.page) continue;
    const newest = median(pages[v].newest);
    console.log(`  ${variant.name.padEnd(58)} ${newest.toFixed(3).padStart(6)} ms (${(newest / pageReference).toFixed(2)}x trove's); ${Number.isNaN(pages[v].old[0]) ? 'gone' : `${median(pages[v].old).toFixed(3)} ms`}`);
  }
}

await main();
