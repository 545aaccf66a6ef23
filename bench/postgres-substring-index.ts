/**
 * PostgreSQL's ordered substring index (src/store/sql/source-ref-chunks.ts): how long the
 * catch-up takes to fill it for `--entries` entries (the listing benchmark's source-refs, written
 * straight in SQL), how large it is beside rk_entries and its trigram index, and first pages of
 * SourceRefContains as SQL through the repository with the index filled and, in the same run,
 * with its progress mark at 0 (the paths of before: the walk, the trigram index).
 *
 *   npx tsx bench/postgres-substring-index.ts [--entries 250000] [--samples 40] [--database-url URL]
 */
import { parseArgs } from 'node:util';
import { PostgresDriver } from '../src/store/postgres/postgres-driver.js';
import { RkEntriesRepository } from '../src/store/sql/rk-entries-repository.js';
import { benchPostgres } from './lib/postgres.js';
import { median, ms, timed } from './lib/trove-process.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '250000' }, samples: { type: 'string', default: '40' }, 'database-url': { type: 'string' } } });
const ENTRIES = Number(values.entries);
const SAMPLES = Number(values.samples);
const SUBSTRINGS = ['/f07/', 'img-00001', 'img-0123456', 'nothing-has-it', '.png', 'images/f07/img-00'];

const server = await benchPostgres(values['database-url']);
const database = await server.database();
const driver = new PostgresDriver({ url: database.url, poolSize: 2 });
try {
  await driver.migrate();
  await driver.run(`INSERT INTO rk_entries (dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev)
    SELECT 1, format('s3://bench-bucket/images/f%s/img-%s.%s', lpad((i % 100)::text, 2, '0'), lpad(i::text, 7, '0'), CASE WHEN i % 10 IN (7, 8) THEN 'png' ELSE 'jpg' END),
           format('{"source-ref":"%s"}', i), '[]', 1, 0, 1
    FROM generate_series(0, ${ENTRIES - 1}) AS i`);
  await driver.run('VACUUM ANALYZE rk_entries');
  const repository = new RkEntriesRepository(driver, driver.dialect);
  const fillStart = performance.now();
  const settled = await repository.settledId();
  let steps = 0;
  while (await driver.transaction((tx) => new RkEntriesRepository(tx, driver.dialect).indexSourceRefs(500, settled)) > 0) steps++;
  const fill = performance.now() - fillStart;
  await driver.run('VACUUM ANALYZE rk_ref_chunks');
  const size = (relation: string) => driver.get<{ n: number }>(`SELECT pg_total_relation_size('${relation}')::int8 AS n`).then((row) => Number(row!.n));
  const rows = Number((await driver.get<{ n: number }>('SELECT COUNT(*)::int8 AS n FROM rk_ref_chunks'))!.n);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(`${ENTRIES} entries; catch-up: ${steps} chunks in ${ms(fill)}; rk_ref_chunks ${rows} rows, ${mb(await size('rk_ref_chunks'))}; rk_entries ${mb(await size('rk_entries'))} (its trigram index ${mb(await size('rk_entries_source_ref_trgm'))})`);

  const sample = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push((await timed(fn))[1]);
    return median(times);
  };
  const indexedUpTo = Number((await driver.get<{ n: number }>('SELECT indexed_upto AS n FROM rk_ref_chunk_progress'))!.n);
  const first = await sample(() => repository.page(1, 1, {}, 0, 101));
  console.log(`first page, no filter ${ms(first)}`);
  for (const text of SUBSTRINGS) {
    const filter = { sourceRefContains: text };
    await driver.run('UPDATE rk_ref_chunk_progress SET indexed_upto = ?', [indexedUpTo]);
    const withIndex = await sample(() => repository.page(1, 1, filter, 0, 101));
    const found = (await repository.page(1, 1, filter, 0, 101)).length;
    await driver.run('UPDATE rk_ref_chunk_progress SET indexed_upto = 0');
    const without = await sample(() => repository.page(1, 1, filter, 0, 101));
    console.log(`  ${JSON.stringify(text).padEnd(22)} ordered index ${ms(withIndex).padStart(9)} (${(withIndex / first).toFixed(2)}x)   before ${ms(without).padStart(9)} (${(without / first).toFixed(2)}x)   ${found} on the page`);
  }
  await driver.run('UPDATE rk_ref_chunk_progress SET indexed_upto = ?', [indexedUpTo]);
} finally {
  await driver.close();
  await database.drop();
  await server.stop();
}
