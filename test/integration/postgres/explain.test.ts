import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryFilter } from '../../../src/store/records.js';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { RkEntriesRepository } from '../../../src/store/sql/rk-entries-repository.js';
import { RkHistoryRepository } from '../../../src/store/sql/rk-history-repository.js';
import { RkEntryListing } from '../../../src/store/sql/rk-entry-listing.js';
import { RkEntryVersionsRepository } from '../../../src/store/sql/rk-entry-versions-repository.js';
import type { SqlExecutor, SqlParams } from '../../../src/store/sql/sql-driver.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';

const DATASETS = 2;
const PER_DATASET = 25_000;

/**
 * DATASETS × PER_DATASET entries written straight in SQL (fast): label i%50, 1% with errors, 2%
 * unlabeled, source-refs in 100 folders; entry ids are in dataset order, as jobs write them.
 */
const FIXTURE = `
  INSERT INTO rk_entries (id, dataset_id, source_ref, line, labels, is_labeled, has_errors, created_rev)
  SELECT g, d, format('s3://bucket-%s/folder-%s/img-%s.jpg', d, i % 100, lpad(i::text, 6, '0')), '{}', '[]',
         CASE WHEN i % 50 = 7 THEN 0 ELSE 1 END, CASE WHEN i % 100 = 3 THEN 1 ELSE 0 END, 1
  FROM generate_series(1, ${DATASETS * PER_DATASET}) AS g,
       LATERAL (SELECT (g - 1) / ${PER_DATASET} + 1 AS d, (g - 1) % ${PER_DATASET} AS i) AS x;
  INSERT INTO rk_entry_labels (dataset_id, label, entry_id, has_errors, source_ref)
  SELECT dataset_id, 'label-' || ((id - 1) % ${PER_DATASET} % 50), id, has_errors, source_ref FROM rk_entries WHERE is_labeled = 1;
  INSERT INTO rk_labels (dataset_id, label, entry_count, bounding_box_count)
  SELECT dataset_id, label, COUNT(*), 0 FROM rk_entry_labels GROUP BY dataset_id, label;
  ANALYZE;`;

/**
 * The plans PostgreSQL chooses for the repositories' own listing SQL, on a table large enough
 * for the planner to care: every filter drives an index in entry order (keyset pagination, no
 * sort of the dataset), and SourceRefContains uses the pg_trgm index. docs/postgres.md shows them.
 */
describe.runIf(POSTGRES_SELECTED)('PostgreSQL listing plans', () => {
  let database: TestDatabase;
  let driver: PostgresDriver;
  const plans = new Map<string, string>();

  /** Runs `page()` with an executor that EXPLAINs each query instead of running it. */
  async function planOf(name: string, filter: EntryFilter, afterId: number): Promise<string> {
    return explain(name, (executor) => new RkEntriesRepository(executor, driver.dialect).page(2, 1, filter, afterId, 101));
  }

  /**
   * The plans of the queries `use` sends through the executor it is given, which EXPLAINs instead
   * of running them; single-row reads (how far a walk reaches, the planner's statistics of
   * trigrams) also run, as the listing decides by them (the catalog reads are not listed).
   */
  async function explain(name: string, use: (executor: SqlExecutor) => Promise<unknown>): Promise<string> {
    const captured: string[] = [];
    const explaining: SqlExecutor = {
      all: async <T>(sql: string, params?: SqlParams) => {
        if (/\bpg_/.test(sql)) return driver.all<T>(sql, params);
        const rows = await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`, params);
        captured.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
        return [] as T[];
      },
      get: async <T>(sql: string, params?: SqlParams) => {
        if (/\bpg_/.test(sql)) return driver.get<T>(sql, params);
        const rows = await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`, params);
        captured.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
        return driver.get<T>(sql, params);
      },
      run: () => Promise.reject(new Error('not expected')),
      runBatch: () => Promise.reject(new Error('not expected')),
      insertMany: () => Promise.reject(new Error('not expected')),
    };
    await use(explaining);
    const plan = captured.join('\n---\n');
    plans.set(name, plan);
    return plan;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    driver = new PostgresDriver({ url: database.url, poolSize: 2 });
    await driver.migrate();
    // Building the trigram index once after the bulk load is much faster than growing it row by row.
    const { indexdef } = (await driver.get<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'rk_entries_source_ref_trgm'"))!;
    await driver.run('DROP INDEX rk_entries_source_ref_trgm');
    await driver.run(FIXTURE);
    await driver.run(indexdef);
    expect((await new RkEntriesRepository(driver, driver.dialect).page(2, 1, {}, 0, 5)).length).toBe(5);
  });
  afterAll(async () => {
    if (process.env.TROVE_TEST_PRINT_PLANS) for (const [name, plan] of plans) process.stdout.write(`\n## ${name}\n${plan}\n`);
    await driver?.close();
    await database?.drop();
  });

  it('pages through a dataset by an index in id order, deep pages included', async () => {
    // (dataset_id, id) or the primary key, whichever the planner finds cheaper: both read in id order from the key.
    const plan = await planOf('no filter, page after id 40000', {}, 40_000);
    expect(plan).toMatch(/Limit\n\s+->\s+Index Scan using (rk_entries_dataset_order|rk_entries_pkey) on rk_entries/);
    expect(plan).not.toMatch(/Seq Scan|Sort/);
  });

  it('filters the minority sides of HasErrors and Labeled through their partial (dataset_id, id) indexes', async () => {
    expect(await planOf('HasErrors = true', { hasErrors: true }, 0)).toMatch(/Index Scan using rk_entries_with_errors/);
    expect(await planOf('Labeled = false', { labeled: false }, 0)).toMatch(/Index Scan using rk_entries_unlabeled/);
    // The majority sides walk the listing order and skip the few others.
    const majority = await planOf('HasErrors = false', { hasErrors: false }, 0);
    expect(majority).toMatch(/Limit\n\s+->\s+Index Scan using (rk_entries_dataset_order|rk_entries_pkey)/);
    expect(majority).not.toMatch(/Seq Scan|Sort/);
  });

  it('merges ContainsLabels from ordered scans of rk_entry_labels', async () => {
    const plan = await planOf('ContainsLabels = [label-1, label-2]', { containsLabels: ['label-1', 'label-2'] }, 0);
    expect(plan.match(/Index (Only )?Scan using rk_entry_labels_pkey/g)).toHaveLength(2);
    // One statement: the ordered walks merged (no sort), then the page's lines by the primary key.
    expect(plan).toMatch(/Merge Append/);
    expect(plan).toMatch(/Index Scan using rk_entries_pkey/);
    expect(plan).not.toMatch(/Seq Scan|->\s+Sort\b/);
  });

  it('checks the other filters of a combination on the label rows or the minority index it walks', async () => {
    // Labels with errors have their own index: ContainsLabels + HasErrors never walks a label's other entries.
    const labelErrors = await planOf('ContainsLabels = [label-1] + HasErrors = true', { containsLabels: ['label-1'], hasErrors: true }, 0);
    expect(labelErrors).toMatch(/Index (Only )?Scan using rk_entry_labels_with_errors/);
    expect(labelErrors).not.toMatch(/Seq Scan|Sort/);
    // SourceRefContains is tested on the label rows, before any entry row is read.
    const labelSubstring = await planOf('ContainsLabels = [label-1] + SourceRefContains = "folder-7/"', { containsLabels: ['label-1'], sourceRefContains: 'folder-7/' }, 0);
    expect(labelSubstring).toMatch(/on rk_entry_labels l\n[\s\S]*Filter: \(strpos\(source_ref, 'folder-7\/'::text\) > 0\)/);
    expect(labelSubstring).toMatch(/rk_entry_labels_pkey/);
    // (The labels' counters, 100 rows, may be read whole: they say whether the trigram index would be cheaper.)
    expect(labelSubstring).not.toMatch(/Seq Scan on rk_entr/);
    // Only entries with errors are read (their listing order, or their own trigram index), never
    // the substring matches of every entry; a sort is of the few candidates expected (~500 here).
    // (The page's lines are then read by id.)
    const errorsSubstring = await planOf('HasErrors = true + SourceRefContains = ".jpg"', { hasErrors: true, sourceRefContains: '.jpg' }, 0);
    expect(errorsSubstring).toMatch(/(Index (Only )?Scan using rk_entries_with_errors|Bitmap Index Scan on rk_entries_with_errors_trgm)/);
    const lineReads = /Index Scan using rk_entries_pkey on rk_entries r\n\s+Index Cond: \(id = \w+\.id\)/g;
    expect(errorsSubstring.replace(lineReads, '')).not.toMatch(/Seq Scan|rk_entries_source_ref_trgm|rk_entries_dataset_order|rk_entries_pkey/);
  });

  it('tests a combination\'s substring on the label rows\' primary key alone', async () => {
    // (The visibility map, which index-only scans rely on, as Trove's vacuum after writes keeps it.)
    await driver.run('VACUUM rk_entry_labels');
    // (The statement before it reads the labels' counters: whether the trigram index would be cheaper.)
    const plan = (await planOf('ContainsLabels = [label-1, label-2] + SourceRefContains = "folder-"', { containsLabels: ['label-1', 'label-2'], sourceRefContains: 'folder-' }, 0)).split('\n---\n').at(-1)!;
    // The primary key of label rows carries the source-ref (migration 0031): each label's walk
    // tests the substring on index entries, reading no label row.
    expect(plan.match(/Index Only Scan using rk_entry_labels_pkey on rk_entry_labels l\w*\n\s+Index Cond: [^\n]+\n\s+Filter: \(strpos\(source_ref, 'folder-'::text\) > 0\)/g)).toHaveLength(2);
    expect(plan).toMatch(/Merge Append/);
    expect(plan).not.toMatch(/Seq Scan|Bitmap|->\s+Sort\b/);
  });

  it('reads a page of ContainsLabels + SourceRefContains in one statement once the labels\' counters are known', async () => {
    // The counters only choose between the labels' walks and the trigram index's candidates
    // (both list the same entries), so a node reads them once a minute, not before every page:
    // a page is then one statement, as an unfiltered one (2 before: the counters, then the page).
    const statements: string[] = [];
    const recording: SqlExecutor = {
      all: <T>(sql: string, params?: SqlParams) => (statements.push(sql), driver.all<T>(sql, params)),
      get: <T>(sql: string, params?: SqlParams) => (statements.push(sql), driver.get<T>(sql, params)),
      run: () => Promise.reject(new Error('not expected')),
      runBatch: () => Promise.reject(new Error('not expected')),
      insertMany: () => Promise.reject(new Error('not expected')),
    };
    const listing = new RkEntryListing(recording, driver.dialect);
    for (const [filter, matches] of [
      // Walks of the labels' rows (the substring is common).
      [{ containsLabels: ['label-1', 'label-2'], sourceRefContains: 'folder-' }, 101],
      // The trigram index's candidates, the labels tested on each (one entry of the dataset).
      [{ containsLabels: ['label-42'], sourceRefContains: 'img-000042' }, 1],
    ] as const) {
      const fresh = await new RkEntryListing(driver, driver.dialect).page(2, 1, filter, 0, 101);
      expect(fresh, JSON.stringify(filter)).toHaveLength(matches);
      expect(await listing.page(2, 1, filter, 0, 101)).toEqual(fresh);
      statements.length = 0;
      // The next pages (and the same page again): the page's statement alone, and the same rows.
      expect(await listing.page(2, 1, filter, 0, 101)).toEqual(fresh);
      expect(statements.filter((sql) => !/\bpg_/.test(sql)), JSON.stringify(filter)).toHaveLength(1);
      statements.length = 0;
      const next = await listing.page(2, 1, filter, fresh.at(-1)!.id, 101);
      expect(next).toEqual(await new RkEntryListing(driver, driver.dialect).page(2, 1, filter, fresh.at(-1)!.id, 101));
      expect(statements.filter((sql) => !/\bpg_/.test(sql)), JSON.stringify(filter)).toHaveLength(1);
    }
  });

  it('asks a minority scope\'s own trigram index alone for a substring its statistics say is rare there', async () => {
    // "img-000042" is one entry of each dataset, which has labels and no errors: the walk of the
    // scope (1,000 entries here) would find nothing; the scope's statistics say its trigram "042" is rare there.
    for (const [name, filter, index] of [
      ['HasErrors = true + SourceRefContains = "img-000042"', { hasErrors: true, sourceRefContains: 'img-000042' }, 'rk_entries_with_errors'],
      ['Labeled = false + SourceRefContains = "img-000042"', { labeled: false, sourceRefContains: 'img-000042' }, 'rk_entries_unlabeled'],
    ] as const) {
      const plan = await planOf(name, filter, 0);
      // (The scope's trigram index, or that of all entries when the rarest trigram is rare there too.)
      expect(plan, name).toMatch(new RegExp(`Bitmap Index Scan on (${index}_trgm|rk_entries_source_ref_trgm)`));
      // One statement, and no walk of the scope's (dataset_id, id) index, which the planner took
      // (reading every row of the scope) when the trigram index's predicate was the same as its.
      expect(plan.split('\n---\n'), name).toHaveLength(1);
      expect(plan, name).not.toMatch(new RegExp(`Scan using ${index} on|Seq Scan`));
    }
  });

  it('finds SourceRefContains substrings through the pg_trgm index', async () => {
    const plan = await planOf('SourceRefContains = "img-012345"', { sourceRefContains: 'img-012345' }, 0);
    expect(plan).toMatch(/Bitmap Index Scan on rk_entries_source_ref_trgm/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('starts a walk of the listing order at its bound, not at the dataset\'s first entry', async () => {
    /** The buffers each statement `use` sends reads (EXPLAIN ANALYZE: the statements run). */
    const buffersOf = async (use: (executor: SqlExecutor) => Promise<unknown>): Promise<number[]> => {
      const read: number[] = [];
      const analyzing: SqlExecutor = {
        all: async <T>(sql: string, params?: SqlParams) => {
          const plan = (await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${sql}`, params)).map((row) => row['QUERY PLAN']).join('\n');
          const [, hit, , missed] = /Buffers: shared hit=(\d+)( read=(\d+))?/.exec(plan) ?? [];
          read.push(Number(hit ?? 0) + Number(missed ?? 0));
          return driver.all<T>(sql, params);
        },
        get: <T>(sql: string, params?: SqlParams) => driver.get<T>(sql, params),
        run: () => Promise.reject(new Error('not expected')),
        runBatch: () => Promise.reject(new Error('not expected')),
        insertMany: () => Promise.reject(new Error('not expected')),
      };
      await use(analyzing);
      return read;
    };
    const last = DATASETS * PER_DATASET;
    // The walks of page tokens (ids only, in steps: positionAt) after dataset 2's last entry and
    // near its end, with and without a filter: each reads a few index pages, never dataset 2's
    // 25,000 entries up to the bound.
    for (const filter of [{}, { hasErrors: true }, { labeled: false }, { hasErrors: false }] as EntryFilter[]) {
      for (const after of [last, last - 150]) {
        const read = await buffersOf((executor) => new RkEntryListing(executor, driver.dialect).ids(2, 1, filter, after, 101));
        expect(read.length, JSON.stringify(filter)).toBeGreaterThan(0);
        for (const buffers of read) expect(buffers, `${JSON.stringify(filter)} after ${after}`).toBeLessThan(40);
      }
    }
    // The ordered substring index's statement reads the dataset's highest row id (nothing is
    // indexed here, so it is the one statement of that index): dataset 1's, below all of dataset
    // 2's rows, from its end of the (dataset_id, id) index, not backwards along the primary key.
    const statements: string[] = [];
    const read = await buffersOf((executor) => new RkEntriesRepository({
      ...executor,
      all: <T>(sql: string, params?: SqlParams) => (statements.push(sql), executor.all<T>(sql, params)),
    }, driver.dialect).page(1, 1, { sourceRefContains: 'folder-7/' }, 0, 101));
    const chunks = statements.findIndex((sql) => sql.includes('rk_ref_chunk_progress'));
    expect(chunks).toBeGreaterThanOrEqual(0);
    expect(read[chunks]).toBeLessThan(40);
  });

  it('reads a dataset\'s newest entry row id (the watermark each published change records) from its end of the listing index', async () => {
    // Dataset 1's rows are all below dataset 2's: MAX(id) read backwards along the primary key
    // would pass through every row of dataset 2 first.
    const plans: string[] = [];
    const analyzing: SqlExecutor = {
      get: async <T>(sql: string, params?: SqlParams) => {
        plans.push((await driver.all<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${sql}`, params)).map((row) => row['QUERY PLAN']).join('\n'));
        return driver.get<T>(sql, params);
      },
      all: () => Promise.reject(new Error('not expected')),
      run: () => Promise.reject(new Error('not expected')),
      runBatch: () => Promise.reject(new Error('not expected')),
      insertMany: () => Promise.reject(new Error('not expected')),
    };
    const newest = await new RkHistoryRepository(analyzing, driver.dialect).maxEntryId(1);
    expect(newest).toBe(PER_DATASET);
    expect(plans).toHaveLength(1);
    const [, hit, , missed] = /Buffers: shared hit=(\d+)( read=(\d+))?/.exec(plans[0]) ?? [];
    expect(Number(hit ?? 0) + Number(missed ?? 0), plans[0]).toBeLessThan(40);
  });

  it('reads history (diffs, restores) by index: superseded rows by revision or source-ref, new rows by id', async () => {
    // A later revision 2 replaced every tenth entry of dataset 2.
    await driver.run(`UPDATE rk_entries SET deleted_rev = 2 WHERE dataset_id = 2 AND id % 10 = 0`);
    await driver.run('ANALYZE rk_entries');
    const versions = (executor: SqlExecutor) => new RkEntryVersionsRepository(executor, driver.dialect);
    const superseded = await explain('history: rows superseded between revisions 1 and 2', (e) => versions(e).supersededBetween(2, 1, 2, { rev: 2, id: 0 }, 250));
    expect(superseded).toMatch(/Index Scan using rk_entries_superseded on rk_entries/);
    const created = await explain('history: rows created after revision 1', (e) => versions(e).createdBetween(2, 30_000, 50_000, 2, 250));
    expect(created).toMatch(/Index Scan using (rk_entries_dataset_order|rk_entries_pkey) on rk_entries/);
    const at = await explain('history: source-refs at revision 1', (e) => versions(e).at(2, 1, ['s3://bucket-2/folder-5/img-000005.jpg', 's3://bucket-2/folder-10/img-000010.jpg']));
    expect(at).toMatch(/Index Scan using rk_entries_live_source_ref[\s\S]*---[\s\S]*Index Scan using rk_entries_superseded_source_ref/);
    for (const plan of [superseded, created, at]) expect(plan).not.toMatch(/Seq Scan|Sort/);
    // Copies, distributions and exports: a page bounded by bytes reads the sizes, then the rows that fit, along one index.
    const scanned = await explain('copies and exports: entries of a revision', (e) => new RkEntriesRepository(e, driver.dialect).scan(2, 1, 30_000, 1000));
    expect(scanned).toMatch(/^Index Scan using (rk_entries_dataset_order|rk_entries_pkey) on rk_entries e\n[\s\S]*Index Scan using (rk_entries_dataset_order|rk_entries_pkey) on rk_entries e_1\n/);
    expect(scanned).not.toMatch(/Seq Scan|Sort/);
  });
});
