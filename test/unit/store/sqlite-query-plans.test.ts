import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryFilter } from '../../../src/store/records.js';
import { RkEntriesRepository } from '../../../src/store/sql/rk-entries-repository.js';
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

  /** The plan of every query the repository reads with while `use` runs, in order. */
  async function plansOf(use: (repository: RkEntriesRepository) => Promise<unknown>): Promise<string[]> {
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
    await use(new RkEntriesRepository(recording, driver.dialect));
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
      ['SourceRefContains (2 chars)', { sourceRefContains: 'ab' }, /^SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)$/],
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
      ['ContainsLabels + SourceRefContains', { containsLabels: ['a'], sourceRefContains: 'abcd' }, /^SEARCH l USING PRIMARY KEY \(dataset_id=\? AND label=\? AND entry_id>\?\) \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/],
      // The minority indexes carry the other filters' columns and are walked whole, not the substring matches.
      ['HasErrors=true + SourceRefContains', { hasErrors: true, sourceRefContains: 'abcd' }, /^SEARCH e USING INDEX rk_entries_with_errors \(dataset_id=\? AND id>\?\)$/],
      ['HasErrors=true + Labeled=false', { hasErrors: true, labeled: false }, /^SEARCH e USING INDEX rk_entries_with_errors \(dataset_id=\? AND id>\?\)$/],
      ['Labeled=false + SourceRefContains', { labeled: false, sourceRefContains: 'abcd' }, /^SEARCH e USING INDEX rk_entries_unlabeled \(dataset_id=\? AND id>\?\)$/],
    ])('%s walks one index and tests the other filters on it', async (_name, filter, expected) => {
      const plans = await plansOf((repository) => repository.page(1, 1, filter, 0, 100));
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) expect(plan).toMatch(expected);
    });

    it('answers ContainsLabels + Labeled=false without a query: every entry with a label is labeled', async () => {
      expect(await plansOf((repository) => repository.page(1, 1, { containsLabels: ['a'], labeled: false }, 0, 100))).toEqual([]);
    });

    it('SourceRefContains of more trigrams first reads a few postings of each, in the trigram index only', async () => {
      await driver.transaction(async (tx) => {
        const inTx = new RkEntriesRepository(tx, driver.dialect);
        await inTx.insert(7, 1, [{ sourceRef: 's3://b/img-0123456.png', line: '{}', labels: [], isLabeled: false, hasErrors: false }]);
        await inTx.indexSourceRefs(10);
      });
      const plans = await plansOf((repository) => repository.page(1, 1, { sourceRefContains: 'img-0123456' }, 0, 100));
      // The progress mark, one probe per trigram (9), the page, and the rows above the mark.
      expect(plans).toHaveLength(12);
      for (const plan of plans) {
        expect(plan).toMatch(/^(SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY|SCAN f VIRTUAL TABLE INDEX|CO-ROUTINE \(subquery-1\) \| SCAN rk_entries_fts VIRTUAL TABLE INDEX|SEARCH e USING INDEX rk_entries_dataset_order)/);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    });

    it('SourceRefContains (3+ chars) reads the trigram index up to its progress mark, then the rows above it in listing order', async () => {
      const plans = await plansOf((repository) => repository.page(1, 1, { sourceRefContains: 'abcd' }, 0, 100));
      expect(plans).toEqual([
        expect.stringMatching(/^SEARCH rk_trigram_progress USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
        // The trigram index answers the MATCH within a rowid range, in rowid (= listing) order.
        expect.stringMatching(/^SCAN f VIRTUAL TABLE INDEX \d+:M\d+[<>=]+ \| SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)$/),
        expect.stringMatching(/^SEARCH e USING INDEX rk_entries_dataset_order \(dataset_id=\? AND id>\?\)$/),
      ]);
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
});
