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
 * - baseline: the benchmark's in-process upsert of (example_id, content) into one table.
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
  close(): Promise<void>;
}

async function troveVariant(name: string, dir: string, dropListingIndex: boolean): Promise<Variant> {
  const driver = new SqliteDriver({ filename: join(dir, `${name.replace(/\W+/g, '-')}.db`), synchronous: 'FULL' });
  await driver.migrate();
  if (dropListingIndex) await driver.run('DROP INDEX ac_examples_order');
  return {
    name,
    async round(round, contents) {
      const started = cpuMs();
      await driver.transaction(async (tx) => {
        const examples = new AcExamplesRepository(tx);
        const seqs = round === 0 ? new Map(ids.map((id, i) => [id, i + 1])) : await examples.supersedeLive(DATASET, ids, round + 1);
        if (seqs.size !== SIZE) throw new Error(`${seqs.size} live examples`);
        await examples.insert(DATASET, round + 1, ids.map((exampleId, i) => ({ exampleId, seq: seqs.get(exampleId)!, content: contents[i] })));
      });
      return cpuMs() - started;
    },
    close: () => driver.close(),
  };
}

/**
 * Candidate (a): overwrite in place the live version of each example (its content row, and its
 * ac_examples row's created_rev and size), as a writer may when no reader can be pinned to the
 * old version. `keepCreatedRev`: only the content and its size change.
 */
async function inPlaceVariant(name: string, dir: string, keepCreatedRev: boolean): Promise<Variant> {
  const driver = new SqliteDriver({ filename: join(dir, `${name.replace(/\W+/g, '-')}.db`), synchronous: 'FULL' });
  await driver.migrate();
  return {
    name,
    async round(round, contents) {
      const started = cpuMs();
      await driver.transaction(async (tx) => {
        const examples = new AcExamplesRepository(tx);
        if (round === 0) {
          await examples.insert(DATASET, 1, ids.map((exampleId, i) => ({ exampleId, seq: i + 1, content: contents[i] })));
          return;
        }
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
      });
      return cpuMs() - started;
    },
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
        if (round === 0) seqs = new Map(ids.map((id, i) => [id, i + 1]));
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
    baselineVariant(dir),
  ];
  const times = variants.map(() => [] as number[]);
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
  } finally {
    for (const variant of variants) await variant.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const reference = median(times[0]);
  console.log(`UpdateDatasetExamples SQL, ${SIZE} examples of ~1 KB, rounds 1-${ROUNDS} (CPU ms of the transaction with its COMMIT, median; min)`);
  for (const [v, variant] of variants.entries()) {
    const m = median(times[v]);
    console.log(`  ${variant.name.padEnd(44)} ${m.toFixed(2).padStart(6)} ms; ${Math.min(...times[v]).toFixed(2)}  (${(m / reference).toFixed(2)}x trove's)`);
  }
}

await main();
