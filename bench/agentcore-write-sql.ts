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

const ids = Array.from({ length: SIZE }, () => randomUUID());

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-ac-sql-'));
  const variants = [
    await troveVariant('trove: supersede + row version + content', dir, false),
    await troveVariant('trove, no listing index', dir, true),
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
