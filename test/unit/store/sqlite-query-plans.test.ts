import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryFilter } from '../../../src/store/records.js';
import { AcExamplesRepository } from '../../../src/store/sql/ac-examples-repository.js';
import { RkEntriesRepository } from '../../../src/store/sql/rk-entries-repository.js';
import { RkEntryVersionsRepository } from '../../../src/store/sql/rk-entry-versions-repository.js';
import type { SqlExecutor, SqlParams } from '../../../src/store/sql/sql-driver.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';

/**
 * Every listing query must walk an index already in listing order (no full scan, no sort),
 * whatever the filter: that is what keeps a page O(page) on a 250,000-entry dataset.
 * The statements are the repository's own, captured as it runs them.
 */
describe('SQLite query plans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-plans-'));
  let driver: SqliteDriver;
  let db: Database.Database;
  beforeAll(async () => {
    driver = new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'NORMAL' });
    await driver.migrate();
    db = new Database(join(dir, 'trove.db'), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The plan of every query the entries repositories read with while `use` runs, in order. */
  function plansOf(use: (repository: RkEntriesRepository, versions: RkEntryVersionsRepository) => Promise<unknown>): Promise<string[]> {
    return capturedPlans((recording) => use(new RkEntriesRepository(recording, driver.dialect), new RkEntryVersionsRepository(recording, driver.dialect)));
  }

  /** The plan of every query read through the executor `use` is given, in order. */
  async function capturedPlans(use: (recording: SqlExecutor) => Promise<unknown>): Promise<string[]> {
    const captured: [string, SqlParams][] = [];
    const recording: SqlExecutor = {
      all: async <T>(sql: string, params: SqlParams = []) => {
        captured.push([sql, params]);
        return driver.all<T>(sql, params);
      },
      get: async <T>(sql: string, params: SqlParams = []) => {
        captured.push([sql, params]);
        return driver.get<T>(sql, params);
      },
      run: (sql, params) => driver.run(sql, params),
      runBatch: (sql, rows) => driver.runBatch(sql, rows),
      insertMany: (table, columns, rows) => driver.insertMany(table, columns, rows),
    };
    await use(recording);
    return captured.map(([sql, params]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | '));
  }

  describe('ListDatasetEntries', () => {
    it.each<[string, EntryFilter, RegExp]>([
      ['no filter', {}, /^SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)$/],
      ['HasErrors=true', { hasErrors: true }, /^SEARCH e USING INDEX rk_entries_with_errors \(dataset_id=\? AND id>\?\)$/],
      ['HasErrors=false', { hasErrors: false }, /^SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)$/],
      ['Labeled=false', { labeled: false }, /^SEARCH e USING INDEX rk_entries_unlabeled \(dataset_id=\? AND id>\?\)$/],
      ['Labeled=true', { labeled: true }, /^SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)$/],
      ['ContainsLabels', { containsLabels: ['a', 'b'] }, /^SEARCH l USING PRIMARY KEY \(dataset_id=\? AND label=\? AND entry_id>\?\) \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/],
    ])('%s walks an ordered index without sorting', async (_name, filter, expected) => {
      const plans = await plansOf((repository) => repository.page(1, 1, filter, 0, 100));
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) {
        expect(plan).toMatch(expected);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    });

    it.each<[string, EntryFilter, RegExp]>([
      // Labels with errors have their own index; HasErrors and SourceRefContains are tested on the label rows.
      ['ContainsLabels + HasErrors=true', { containsLabels: ['a'], hasErrors: true }, /^SEARCH l USING COVERING INDEX rk_entry_labels_with_errors \(dataset_id=\? AND label=\? AND entry_id>\?\) \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/],
      // (A substring's prefix promises no count, so the label rows are walked; the progress mark is read to find that out.)
      ['ContainsLabels + SourceRefContains', { containsLabels: ['a'], sourceRefContains: 'abcd' }, /^SEARCH l USING PRIMARY KEY \(dataset_id=\? AND label=\? AND entry_id>\?\) \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/],
      ['HasErrors=true + Labeled=false', { hasErrors: true, labeled: false }, /^SEARCH e USING INDEX rk_entries_with_errors \(dataset_id=\? AND id>\?\)$/],
    ])('%s walks one index and tests the other filters on it', async (_name, filter, expected) => {
      const plans = await plansOf((repository) => repository.page(1, 1, filter, 0, 100));
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans.filter((plan) => !plan.startsWith('SEARCH rk_trigram_progress'))) expect(plan).toMatch(expected);
    });

    it('answers ContainsLabels + Labeled=false without a query: every entry with a label is labeled', async () => {
      expect(await plansOf((repository) => repository.page(1, 1, { containsLabels: ['a'], labeled: false }, 0, 100))).toEqual([]);
    });

    it('SourceRefContains of several windows first reads a few postings of each, in the gram index only', async () => {
      await driver.transaction(async (tx) => {
        const inTx = new RkEntriesRepository(tx, driver.dialect);
        await inTx.insert(7, 1, [{ sourceRef: 's3://b/img-0123456.png', line: '{}', labels: [], isLabeled: false, hasErrors: false }]);
        while (await inTx.indexSourceRefs(1000) > 0);
      });
      const plans = await plansOf((repository) => repository.page(1, 1, { sourceRefContains: 'img-0123456' }, 0, 100));
      // The progress mark, one probe per window of five characters (7), the page, and the rows above the mark.
      expect(plans).toHaveLength(10);
      for (const plan of plans) {
        expect(plan).toMatch(/^(SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY|SCAN f VIRTUAL TABLE INDEX|CO-ROUTINE \(subquery-1\) \| SCAN rk_entries_grams VIRTUAL TABLE INDEX|SEARCH e USING INDEX rk_entries_dataset_order)/);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    });

    it('SourceRefContains of one window reads the gram index up to its progress mark, then the rows above it in listing order', async () => {
      const plans = await plansOf((repository) => repository.page(1, 1, { sourceRefContains: 'abcde' }, 0, 100));
      expect(plans).toEqual([
        expect.stringMatching(/^SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
        // The gram index answers the MATCH within a rowid range, in rowid (= listing) order.
        expect.stringMatching(/^SCAN f VIRTUAL TABLE INDEX \d+:M\d+[<>=]+ \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
        expect.stringMatching(/^SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)$/),
      ]);
    });

    describe('SourceRefContains shorter than a window', () => {
      // More entries than one bounded walk looks at (20 per row asked for), all unlabeled and with errors.
      beforeAll(async () => {
        await driver.transaction(async (tx) => {
          const inTx = new RkEntriesRepository(tx, driver.dialect);
          await inTx.insert(5, 1, Array.from({ length: 2100 }, (_, i) => ({ sourceRef: `img-${i}.jpg`, line: '{}', labels: [], isLabeled: false, hasErrors: true })));
          while (await inTx.indexSourceRefs(1000) > 0);
        });
      });

      it('alone and met often: the page is one walk of the entries up to a stretch of ids past the last one, nothing counted first', async () => {
        // Every source-ref of the dataset ends in `.jpg`: the first 100 entries fill the page.
        const plans = await plansOf((repository) => repository.page(5, 1, { sourceRefContains: '.jpg' }, 0, 100));
        expect(plans).toEqual([
          expect.stringMatching(/^SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
          'SEARCH e USING INDEX rk_entries_dataset_order (dataset_id=? AND id>? AND id<?)',
        ]);
      });

      it('alone and rare: the walk up to a stretch of ids, the entries it passed counted (index only), then the prefix query of the gram index, in rowid order', async () => {
        const plans = await plansOf((repository) => repository.page(5, 1, { sourceRefContains: 'zz' }, 0, 100));
        expect(plans.slice(0, 3)).toEqual([
          expect.stringMatching(/^SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
          'SEARCH e USING INDEX rk_entries_dataset_order (dataset_id=? AND id>? AND id<?)',
          'SEARCH e USING COVERING INDEX rk_entries_dataset_order (dataset_id=? AND id>? AND id<?)',
        ]);
        // (Then, where other datasets' rows took some of those ids, a walk of the rest of the stretch as below.)
        expect(plans.some((plan) => /^SCAN f VIRTUAL TABLE INDEX \d+:M\d+[<>=]+ \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/.test(plan))).toBe(true);
        for (const plan of plans) expect(plan).not.toMatch(/TEMP B-TREE|SCAN e/);
      });

      it.each<[string, EntryFilter, string]>([
        ['with HasErrors=true', { hasErrors: true, sourceRefContains: 'zzzz' }, 'rk_entries_with_errors'],
        ['with Labeled=false', { labeled: false, sourceRefContains: 'zzz' }, 'rk_entries_unlabeled'],
      ])('%s: a bounded walk of the ordered index, then one prefix query of the gram index, in rowid order', async (_name, filter, index) => {
        const plans = await plansOf((repository) => repository.page(5, 1, filter, 0, 100));
        expect(plans).toEqual([
          expect.stringMatching(/^SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
          // How far the walk reaches (ids only), then the walk itself.
          `CO-ROUTINE w | SEARCH e USING COVERING INDEX ${index} (dataset_id=? AND id>?) | SCAN w`,
          `SEARCH e USING INDEX ${index} (dataset_id=? AND id>? AND id<?)`,
          expect.stringMatching(/^SCAN f VIRTUAL TABLE INDEX \d+:M\d+[<>=]+ \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
          `SEARCH e USING INDEX ${index} (dataset_id=? AND id>?)`,
        ]);
      });
    });
  });

  describe('ListDatasetExamples and downloads (AcExamplesRepository.page)', () => {
    it('reads the sizes from the listing index alone, then the content of the rows that fit (by position range, then row id)', async () => {
      await new AcExamplesRepository(driver, driver.dialect).insert(7, 1, Array.from({ length: 3 }, (_, i) => ({ exampleId: `e${i}`, seq: i + 1, content: '{"a":1}' })));
      let page: { rows: unknown[]; more: boolean } | undefined;
      const plans = await capturedPlans(async (recording) => { page = await new AcExamplesRepository(recording, driver.dialect).page(7, 1, 0, 2, 5 << 20); });
      expect(page).toMatchObject({ rows: [{ exampleId: 'e0' }, { exampleId: 'e1' }], more: true });
      expect(plans).toEqual([expect.stringMatching(bytePage(
        /SEARCH e USING INDEX ac_examples_order \(dataset_id=\? AND seq>\? AND seq<\?\)/, /SEARCH e USING COVERING INDEX ac_examples_order \(dataset_id=\? AND seq>\?\)/,
      ))]);
      expect(plans[0]).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      // Its keys and sizes may be sorted for the running sum, never rows with their content.
      expect(plans[0].split(' | SCALAR SUBQUERY')[0]).not.toMatch(/TEMP B-TREE/);
    });
  });

  describe('GetDatasetEntriesPageToken (RkEntriesRepository.positionAt)', () => {
    it.each<[string, EntryFilter]>([
      ['no filter', {}], ['HasErrors=true', { hasErrors: true }], ['Labeled=false', { labeled: false }],
      ['ContainsLabels', { containsLabels: ['a', 'b'] }], ['SourceRefContains', { sourceRefContains: 'abcd' }],
    ])('%s walks the listing\'s own ordered index, reading ids only', async (_name, filter) => {
      const plans = await plansOf((repository) => repository.positionAt(1, 1, filter, 250, 100));
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) expect(plan).not.toMatch(/TEMP B-TREE|^SCAN e\b/);
    });
  });

  describe('the console image check (RkEntriesRepository.hasSourceRef)', () => {
    it('probes indexes only: the live source-ref, then the rows superseded after the revision', async () => {
      let found: boolean | undefined;
      const plans = await plansOf(async (repository) => { found = await repository.hasSourceRef(1, 1, 's3://b/k.png'); });
      expect(found).toBe(false);
      expect(plans).toEqual([
        expect.stringMatching(/^SEARCH rk_entries USING INDEX rk_entries_live_source_ref \(dataset_id=\? AND source_ref=\?\)$/),
        expect.stringMatching(/^SEARCH rk_entries USING INDEX rk_entries_superseded \(dataset_id=\? AND deleted_rev>\?\)$/),
      ]);
    });
  });

  describe('history: diffs, restores and garbage collection read only what changed', () => {
    it.each<[string, (repository: RkEntriesRepository, versions: RkEntryVersionsRepository) => Promise<unknown>, RegExp[]]>([
      ['rows superseded between two revisions', (_, versions) => versions.supersededBetween(1, 2, 5, { rev: 3, id: 10 }, 100),
        [bytePage(/SEARCH e USING INDEX rk_entries_superseded \(dataset_id=\? AND deleted_rev>\? AND deleted_rev<\?\)/)]],
      ['rows created after a revision', (_, versions) => versions.createdBetween(1, 10, 90, 5, 100),
        [bytePage(/SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\? AND id<\?\)/)]],
      ['entries of a revision (copies, exports)', (repository) => repository.scan(1, 5, 10, 100),
        [bytePage(/SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\? AND id<\?\)/, /SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)/)]],
      ['a source-ref at a revision', (_, versions) => versions.at(1, 3, ['s3://b/k.png']), [
        /^SEARCH rk_entries USING INDEX rk_entries_live_source_ref \(dataset_id=\? AND source_ref=\?\)$/,
        /^SEARCH rk_entries USING INDEX rk_entries_superseded_source_ref \(dataset_id=\? AND source_ref=\?\)$/,
      ]],
      ['garbage collection', (repository) => repository.purgeSuperseded(1, 9, 100, [2], { rev: 3, id: 7 }),
        [/^SEARCH rk_entries USING INDEX rk_entries_superseded \(dataset_id=\? AND deleted_rev>\? AND deleted_rev<\?\)$/]],
    ])('%s: one index range, no sort', async (_name, use, expected) => {
      const plans = await plansOf(use);
      expect(plans).toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
      // A byte-bounded page may sort its keys and sizes for the running sum, never rows with their lines.
      for (const plan of plans) expect(plan.split(' | SCALAR SUBQUERY')[0]).not.toMatch(/TEMP B-TREE/);
    });
  });
});

/**
 * The plan of a byte-bounded page (byte-pages.ts): the rows that fit read along one index range
 * (`rows`), up to the last key its subqueries found from the candidates' keys and sizes, read
 * along the same index (`sizes`, by default the same range).
 */
function bytePage(rows: RegExp, sizes = rows): RegExp {
  return new RegExp(`^${rows.source} \\| SCALAR SUBQUERY .*${sizes.source.replace('USING INDEX', 'USING (COVERING )?INDEX')} \\| `);
}
