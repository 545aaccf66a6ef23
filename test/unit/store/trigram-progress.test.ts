import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Maintenance } from '../../../src/jobs/maintenance.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { EntryRow } from '../../../src/store/records.js';
import { sqliteStorePerTest } from '../../harness/sqlite-store.js';

/**
 * SQLite's trigram index is brought up to date after a change commits (Maintenance), so
 * SourceRefContains must find rows whether or not the indexer has reached them yet, in listing
 * order, across pages, and after the newest rows were discarded and their ids handed out again.
 */
describe('SQLite trigram index progress', () => {
  const sqlite = sqliteStorePerTest('trove-trigram-');
  const DATASET = 1;
  const contains = (text: string, afterId = 0, limit = 100) =>
    sqlite.store.rkEntries.page(DATASET, 1, { sourceRefContains: text }, afterId, limit).then((rows) => rows.map((row) => JSON.parse(row.line).n as number));
  const rows = (from: number, count: number, tag: string): EntryRow[] =>
    Array.from({ length: count }, (_, i) => ({
      sourceRef: `s3://bucket/${tag}/img-${from + i}.png`, line: JSON.stringify({ n: from + i }), labels: [], isLabeled: false, hasErrors: false,
    }));

  it('finds rows not yet indexed, partly indexed and fully indexed alike, in listing order', async () => {
    await sqlite.store.transaction((tx) => tx.rkEntries.insert(DATASET, 1, rows(0, 30, 'cats')));
    const all = Array.from({ length: 30 }, (_, i) => i);
    expect(await contains('cats/')).toEqual(all);
    expect(await sqlite.store.transaction((tx) => tx.rkEntries.indexSourceRefs(12))).toBe(12);
    expect(await contains('cats/')).toEqual(all);
    // A page that ends inside the indexed rows, and the next one that crosses the progress mark.
    expect(await contains('cats/', 0, 10)).toEqual(all.slice(0, 10));
    expect(await contains('cats/', 10, 10)).toEqual(all.slice(10, 20));
    expect(await contains('img-2')).toEqual([2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(await sqlite.store.transaction((tx) => tx.rkEntries.indexSourceRefs(100))).toBe(18);
    expect(await sqlite.store.transaction((tx) => tx.rkEntries.indexSourceRefs(100))).toBe(0);
    expect(await contains('cats/')).toEqual(all);
    expect(await contains('dogs/')).toEqual([]);
  });

  it('indexes rows that reuse the ids of discarded ones', async () => {
    await sqlite.store.transaction((tx) => tx.rkEntries.insert(DATASET, 1, rows(0, 10, 'cats')));
    await sqlite.store.transaction((tx) => tx.rkEntries.insert(DATASET, 2, rows(10, 10, 'cats')));
    await sqlite.store.transaction((tx) => tx.rkEntries.indexSourceRefs(100));
    // Revision 2 is abandoned: its rows (the highest ids) go, and SQLite hands their ids out again.
    await sqlite.store.transaction((tx) => tx.rkEntries.discardStep(DATASET, 2));
    await sqlite.store.transaction((tx) => tx.rkEntries.insert(DATASET, 1, rows(100, 10, 'dogs')));
    expect(await contains('dogs/')).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
    expect(await contains('cats/')).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(await sqlite.store.transaction((tx) => tx.rkEntries.indexSourceRefs(100))).toBe(10);
    expect(await contains('dogs/')).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
    expect(await contains('cats/')).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('is brought up to date in the background once entries are committed', async () => {
    const maintenance = new Maintenance(sqlite.store, { intervalMs: 3_600_000, pageTokenTtlMs: 60_000, failedJobRetentionMs: 60_000, orphanUploadRemovalMs: 60_000 }, systemClock, createLogger('silent'));
    const progress = new Database(join(sqlite.dir, 'trove.db'), { readonly: true });
    const indexedUpTo = () => (progress.prepare('SELECT indexed_upto AS n FROM rk_trigram_progress').get() as { n: number }).n;
    try {
      // More rows than one indexing transaction takes.
      await sqlite.store.transaction((tx) => tx.rkEntries.insert(DATASET, 1, rows(0, 4500, 'cats')));
      expect(indexedUpTo()).toBe(0);
      maintenance.indexSourceRefsSoon();
      for (let waited = 0; indexedUpTo() < 4500; waited += 10) {
        if (waited > 20_000) throw new Error(`indexed up to ${indexedUpTo()} only`);
        await sleep(10);
      }
      expect(await sqlite.store.transaction((tx) => tx.rkEntries.indexSourceRefs(100))).toBe(0);
      expect((await contains('img-4499')).length).toBe(1);
    } finally {
      await maintenance.stop();
      progress.close();
    }
  });
});
