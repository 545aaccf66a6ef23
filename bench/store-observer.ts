/**
 * What the store metrics cost per statement (trove_database_* histograms): SqliteDriver, the
 * engine where a statement is cheapest (in-process, tens of microseconds at most), reading one
 * row by primary key and writing one row in its own transaction, without an observer and with
 * the Metrics observer a server wires in. Variants interleaved round by round on two databases
 * of the same rows; reports the median ns per call of each and their difference. PostgreSQL's
 * statements are network round trips (~100 µs and more), so the same few hundred ns weigh less there.
 *
 *   npx tsx bench/store-observer.ts [--rounds 7] [--reads 100000] [--writes 10000]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Metrics } from '../src/observability/metrics.js';
import type { SqlObserver } from '../src/store/sql/sql-driver.js';
import { SqliteDriver } from '../src/store/sqlite/sqlite-driver.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, reads: { type: 'string', default: '100000' }, writes: { type: 'string', default: '10000' } } });
const ROUNDS = Number(values.rounds);
const READS = Number(values.reads);
const WRITES = Number(values.writes);
const ROWS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'trove-store-observer-'));
async function open(name: string, observer?: SqlObserver): Promise<SqliteDriver> {
  const driver = new SqliteDriver({ filename: join(dir, `${name}.db`), synchronous: 'NORMAL', observer });
  await driver.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  await driver.runBatch('INSERT INTO t (id, v) VALUES (?, ?)', Array.from({ length: ROWS }, (_, i) => [i, `value-${i}`]));
  return driver;
}

const metrics = new Metrics({ processMetrics: false });
const variants = [
  { name: 'unobserved', driver: await open('plain') },
  { name: 'observed', driver: await open('observed', metrics.database('sqlite')) },
];
const times: Record<string, { read: number[]; write: number[] }> = Object.fromEntries(variants.map((v) => [v.name, { read: [], write: [] }]));

for (let round = 0; round < ROUNDS; round++) {
  for (const { name, driver } of round % 2 === 0 ? variants : [...variants].reverse()) {
    let started = process.hrtime.bigint();
    for (let i = 0; i < READS; i++) await driver.get('SELECT v FROM t WHERE id = ?', [i % ROWS]);
    times[name].read.push(Number(process.hrtime.bigint() - started) / READS);
    started = process.hrtime.bigint();
    for (let i = 0; i < WRITES; i++) await driver.run('UPDATE t SET v = ? WHERE id = ?', [`w-${round}-${i}`, i % ROWS]);
    times[name].write.push(Number(process.hrtime.bigint() - started) / WRITES);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').trim()}; ${ROUNDS} rounds of ${READS} reads and ${WRITES} one-statement write transactions`);
for (const kind of ['read', 'write'] as const) {
  const [plain, observed] = variants.map((v) => median(times[v.name][kind]));
  console.log(`${kind.padEnd(5)} unobserved ${plain.toFixed(0)} ns  observed ${observed.toFixed(0)} ns  difference ${(observed - plain).toFixed(0)} ns (${((observed / plain - 1) * 100).toFixed(1)}%)`
    + `  [all rounds: ${times.unobserved[kind].map((t) => t.toFixed(0)).join(' ')} | ${times.observed[kind].map((t) => t.toFixed(0)).join(' ')}]`);
}
// The instrumentation alone, as each statement runs it (a performance.now() pair and one observe),
// against prom-client's own labelled Histogram.observe for comparison: far below the noise above.
const { Histogram, Registry } = await import('prom-client');
const promHistogram = new Histogram({ name: 'x', help: 'x', labelNames: ['engine', 'kind'], registers: [new Registry()] });
const observer = metrics.database('sqlite');
const N = 2_000_000;
const per = (fn: () => void) => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  return Number(process.hrtime.bigint() - started) / N;
};
const rows: string[] = [];
for (let round = 0; round < 3; round++) {
  const ours = per(() => {
    const started = performance.now();
    observer.statement('read', performance.now() - started);
  });
  const nowPair = per(() => void (performance.now() - performance.now()));
  const prom = per(() => {
    const started = performance.now();
    promHistogram.observe({ engine: 'sqlite', kind: 'read' }, (performance.now() - started) / 1000);
  });
  rows.push(`now() pair + observe ${ours.toFixed(0)} ns (now() pair alone ${nowPair.toFixed(0)} ns; with prom-client Histogram.observe ${prom.toFixed(0)} ns)`);
}
console.log(`instrumentation per statement, 3 rounds of ${N}:\n  ${rows.join('\n  ')}`);
const statements = (await metrics.text()).body.split('\n').filter((line) => line.startsWith('trove_database_statement_duration_seconds_count'));
console.log(statements.join('\n'));
for (const { driver } of variants) await driver.close();
rmSync(dir, { recursive: true, force: true });
