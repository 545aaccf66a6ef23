import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryFilter, EntryRow } from '../../../src/store/records.js';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { RkEntriesRepository } from '../../../src/store/sql/rk-entries-repository.js';
import type { SqlDialect, SqlExecutor } from '../../../src/store/sql/sql-driver.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import { BACKENDS } from '../../harness/backends.js';
import type { Backend } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import { seededRandom } from '../../harness/seeded-random.js';

interface Engine extends SqlExecutor {
  readonly dialect: SqlDialect;
  migrate(): Promise<unknown>;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Entry extends EntryRow { id: number; datasetId: number; createdRev: number; deletedRev: number | null }

const LABELS = ['cat', 'dog', 'rare', 'common', 'x y', 'ünï', 'bird', 'fish', 'car', 'tree', 'sky', '%_\\'];
const ODD = ['', ' ', '*', '?', '[a]', '%', '_', '\\', '"', "'", 'é', 'É', '🌷', 'a-b', 'ab%_c', '%%', '__', '\\\\', '🌷🌹'];

/** Source-refs in folders, with numbers, extensions of both cases and characters LIKE, GLOB and FTS5 treat specially. */
function sourceRef(i: number, next: () => number): string {
  const folder = `f${String(i % 20).padStart(2, '0')}`;
  const odd = i % 7 === 0 ? ODD[Math.floor(next() * ODD.length)] : '';
  // Rare extensions too: a short substring that ends source-refs is found only through their last windows.
  const extension = i % 53 === 0 ? '.tif' : i % 89 === 0 ? '.Tif' : i % 61 === 0 ? '.jpé' : ['.jpg', '.png', '.JPG'][i % 3];
  return `s3://bucket-${i % 2}/images/${folder}/${odd}img-${String(i).padStart(7, '0')}${extension}`;
}

/** An entry row with random labels (`rare` on one in ~1,000) and errors on ~5%. */
function rowOf(i: number, datasetId: number, next: () => number, ref = sourceRef(i, next)): EntryRow {
  const labels = LABELS.filter((label, l) => (label === 'common' ? next() < 0.5 : label === 'rare' ? i % 997 === 3 : next() < 0.15 / (l + 1)));
  return { sourceRef: ref, line: JSON.stringify({ i, datasetId }), labels: labels.map((label) => [label, 0] as const), isLabeled: labels.length > 0, hasErrors: next() < 0.05 };
}

const SUBSTRINGS = [
  undefined, '.jpg', '.JPG', '.jp', 'JPG', 'IMG', 'f07/', '/f07/', 'img-000123', 'img-0001', 'img-00012', '7', '7.', 'g', '.', 'j', 'bucket-1/images/f03/',
  'nothing-has-it', 'zzzzz', 'zz', '*', '?', '[a]', '[a]img', '%', '_', '\\', '%%', '__', '\\\\', '%_', '\\img', '%img-00', '_img-0', '"', "'", 'é', 'É', 'éimg-00', 'Éi',
  '🌷', '🌷🌹', '🌷img-000', '🌹img', 'a-b', 'ab%_c', 'b%_cimg', 'img-0005999.png', '1.p', '00', '0000', '00000', '000000', 's3://bucket-0/images/f00/img-0000000.jpg',
  '.tif', 'tif', 'if', '.Tif', 'Ti', 'jpé', 'pé', '9.tif', '0.jp', 'images/f01/img-0000001.png', 'bucket-1/images/f01/img-0000001.pnG', 'x'.repeat(2048),
];
const LABEL_SETS: { containsLabels?: string[]; labeled?: boolean; hasErrors?: boolean }[] = [
  {}, { labeled: false }, { labeled: true }, { hasErrors: true }, { hasErrors: false }, { hasErrors: false, labeled: false }, { hasErrors: true, labeled: false },
  { hasErrors: true, labeled: true }, { hasErrors: false, labeled: true }, { containsLabels: ['rare'] }, { containsLabels: ['cat', 'dog', 'x y'] },
  { containsLabels: ['common'], hasErrors: true }, { containsLabels: ['common'], hasErrors: false }, { containsLabels: ['ünï', 'nobody'], labeled: true },
  { containsLabels: ['cat'], labeled: false }, { containsLabels: ['%_\\', 'sky'] },
  { containsLabels: ['cat', 'dog', 'rare', 'x y', 'ünï', 'bird', 'fish', 'car', 'tree', 'sky'] },
  { containsLabels: ['cat', 'dog', 'rare', 'common', 'x y', 'ünï', 'bird', 'fish', 'car', 'tree'], hasErrors: true },
];
/** Each substring with the first six label sets, and three of the others (in turn): every pair of a kind meets. */
const FILTERS: EntryFilter[] = SUBSTRINGS.flatMap((sourceRefContains, s) => LABEL_SETS.filter((_, l) => l < 6 || (l + s) % 4 === 0)
  .map((set) => (sourceRefContains === undefined ? set : { ...set, sourceRefContains })));
/** A share of the combinations (every substring and every label set still appear), for the checks after each change. */
const SOME_FILTERS = FILTERS.filter((_, i) => i % 4 === 0);

async function openEngine(backend: Backend, beforeMigrate?: (where: { file?: string; url?: string }) => Promise<void>): Promise<{ engine: Engine; cleanUp: () => Promise<void> }> {
  if (backend === 'postgres') {
    const database = await createTestDatabase();
    await beforeMigrate?.({ url: database.url });
    const engine = new PostgresDriver({ url: database.url, poolSize: 2 });
    await engine.migrate();
    return { engine, cleanUp: () => database.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'trove-filters-'));
  await beforeMigrate?.({ file: join(dir, 'trove.db') });
  const engine = new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'NORMAL' });
  await engine.migrate();
  return { engine, cleanUp: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** The entries the model holds for `datasetId` (ids as the store gave them), kept in id order. */
class Model {
  readonly entries: Entry[] = [];

  async insert(repository: RkEntriesRepository, datasetId: number, revision: number, rows: readonly EntryRow[]): Promise<void> {
    await repository.insert(datasetId, revision, rows);
    const live = new Map((await repository.findLive(datasetId, rows.map((row) => row.sourceRef))).map((found) => [found.sourceRef, found.id]));
    for (const row of rows) this.entries.push({ ...row, id: live.get(row.sourceRef)!, datasetId, createdRev: revision, deletedRev: null });
    this.entries.sort((a, b) => a.id - b.id);
  }

  async supersede(repository: RkEntriesRepository, doomed: readonly Entry[], revision: number): Promise<void> {
    await repository.supersede(doomed.map((entry) => entry.id), revision);
    for (const entry of doomed) entry.deletedRev = revision;
  }

  /** Counters of the labels' live entries (a listing compares a label's rows with a substring's candidates). */
  async countLabels(db: SqlExecutor, datasetId: number): Promise<void> {
    await db.run('DELETE FROM rk_labels WHERE dataset_id = ?', [datasetId]);
    for (const label of LABELS) {
      const count = this.entries.filter((entry) => entry.datasetId === datasetId && entry.deletedRev === null && entry.labels.some(([name]) => name === label)).length;
      await db.run('INSERT INTO rk_labels (dataset_id, label, entry_count, bounding_box_count) VALUES (?, ?, ?, 0)', [datasetId, label, count]);
    }
  }

  expected(datasetId: number, revision: number, filter: EntryFilter): number[] {
    return this.entries.filter((entry) => entry.datasetId === datasetId && entry.createdRev <= revision && (entry.deletedRev === null || entry.deletedRev > revision)
      && (!filter.containsLabels || entry.labels.some(([name]) => filter.containsLabels!.includes(name)))
      && (filter.labeled === undefined || entry.isLabeled === filter.labeled)
      && (filter.hasErrors === undefined || entry.hasErrors === filter.hasErrors)
      && (filter.sourceRefContains === undefined || entry.sourceRef.includes(filter.sourceRefContains))).map((entry) => entry.id);
  }
}

async function indexedUpTo(db: SqlExecutor): Promise<number> {
  return Number((await db.get<{ n: number }>('SELECT indexed_upto AS n FROM rk_trigram_progress'))!.n);
}

/** SQLite: brings the substring index up to date (as Maintenance does after each change), or up to about `upTo`. */
async function index(engine: Engine, upTo = Infinity): Promise<void> {
  if (engine.dialect.substringIndex !== 'fts5') return;
  for (let indexed = await indexedUpTo(engine); indexed < upTo; indexed = await indexedUpTo(engine)) {
    const chunk = Math.max(1, Math.min(500, upTo - indexed));
    if (await engine.transaction((tx) => new RkEntriesRepository(tx, engine.dialect).indexSourceRefs(chunk)) === 0) return;
  }
}

/** Every page of a listing, each page after the last id of the one before (what a page token holds). */
async function listed(repository: RkEntriesRepository, datasetId: number, revision: number, filter: EntryFilter, limit: number): Promise<number[]> {
  const ids: number[] = [];
  for (let afterId = 0; ;) {
    const page = await repository.page(datasetId, revision, filter, afterId, limit);
    for (const row of page) expect(JSON.parse(row.line)).toMatchObject({ datasetId });
    ids.push(...page.map((row) => row.id));
    if (page.length < limit) return ids;
    afterId = page[page.length - 1].id;
  }
}

/**
 * Lists every filter of `filters` at one of `revisions` (in turn, starting at `turn`: two calls
 * with turns 0 and 1 cover each filter at two revisions), in pages of a random size (pages of one
 * or three only where few entries match, so that a listing is a few dozen queries at most).
 */
async function checkAll(engine: Engine, model: Model, datasetId: number, revisions: readonly number[], filters: readonly EntryFilter[], seed: number, turn = 0): Promise<void> {
  const repository = new RkEntriesRepository(engine, engine.dialect);
  const next = seededRandom(seed);
  for (const [i, filter] of filters.entries()) {
    const revision = revisions[(i + turn) % revisions.length];
    const want = model.expected(datasetId, revision, filter);
    const sizes = want.length <= 30 ? [1, 3, 101] : want.length <= 300 ? [7, 33, 101] : [37, 101, 400];
    const limit = sizes[Math.floor(next() * sizes.length)];
    const name = `${JSON.stringify(filter)} at revision ${revision}, pages of ${limit}`;
    expect(await listed(repository, datasetId, revision, filter, limit), name).toEqual(want);
  }
}

/**
 * Every combination of filters lists exactly the entries a plain filter over all rows finds, in
 * listing order, page after page, whichever index each page takes: the label walks, the
 * minority indexes, a bounded walk of the listing order followed by a substring index, or the
 * substring index alone (windows or a prefix on SQLite, rare trigrams or partial indexes on
 * PostgreSQL, with and without planner statistics). Two datasets share the id range, revision 2
 * replaced some entries, and on SQLite the substring index has not reached the newest rows.
 */
describe.each(BACKENDS)('ListDatasetEntries filters, index by index (%s)', (backend) => {
  const ENTRIES = 6000;
  let engine: Engine;
  let cleanUp: () => Promise<void>;
  const model = new Model();
  const next = seededRandom(16);

  beforeAll(async () => {
    ({ engine, cleanUp } = await openEngine(backend));
    await engine.transaction(async (tx) => {
      const repository = new RkEntriesRepository(tx, engine.dialect);
      // Both datasets are written in alternating chunks, so their ids interleave.
      for (let start = 0; start < ENTRIES; start += 500) {
        for (const datasetId of [1, 2]) await model.insert(repository, datasetId, 1, Array.from({ length: 500 }, (_, k) => rowOf(start + k, datasetId, next)));
      }
      // Revision 2 replaces every 13th entry of dataset 1 (the new version at the end of the listing order).
      const replaced = model.entries.filter((entry) => entry.datasetId === 1 && entry.id % 13 === 0);
      await model.supersede(repository, replaced, 2);
      await model.insert(repository, 1, 2, replaced.map((entry) => rowOf(ENTRIES + entry.id, 1, next, entry.sourceRef)));
      await model.countLabels(tx, 1);
    });
    // SQLite: the substring index reaches all but the newest rows.
    await index(engine, model.entries.filter((entry) => entry.createdRev === 1).at(-1)!.id);
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await cleanUp?.();
  });

  it('lists exactly the matching entries in listing order, for every combination', async () => {
    await checkAll(engine, model, 1, [1, 2], FILTERS, 7);
  }, 600_000);

  it('lists the same once the planner has statistics, and positions agree with the pages', async () => {
    if (backend === 'postgres') await engine.run('ANALYZE');
    await checkAll(engine, model, 1, [1, 2], FILTERS, 8, 1);
    const repository = new RkEntriesRepository(engine, engine.dialect);
    for (const filter of [{ sourceRefContains: 'f07/' }, { sourceRefContains: 'img-00012', hasErrors: true }, { containsLabels: ['dog'], sourceRefContains: '.png' }, { sourceRefContains: '🌷' }, { labeled: false, sourceRefContains: 'img-000' }]) {
      const all = model.expected(1, 2, filter);
      expect(await repository.positionAt(1, 2, filter, 3, 2), JSON.stringify(filter)).toEqual(all.length > 3 ? { afterId: all[2] } : { count: all.length });
      expect(await repository.positionAt(1, 2, filter, all.length, 2)).toEqual({ count: all.length });
    }
  }, 600_000);

  it('keeps the substring index in step with changes: replaced entries whose flags and labels change, removals, purges, a discarded revision whose ids come back', async () => {
    // Revision 3: every 11th live entry is replaced by a version with other labels and flags (its
    // old version's grams must not find it, nor leave it out), every 17th is removed, and new
    // source-refs with odd characters arrive.
    await engine.transaction(async (tx) => {
      const repository = new RkEntriesRepository(tx, engine.dialect);
      const live = model.entries.filter((entry) => entry.datasetId === 1 && entry.deletedRev === null);
      const replaced = live.filter((_, i) => i % 11 === 0);
      const removed = live.filter((_, i) => i % 17 === 5);
      await model.supersede(repository, [...replaced, ...removed], 3);
      await model.insert(repository, 1, 3, replaced.map((entry) => {
        const row = rowOf(3 * ENTRIES + entry.id, 1, next, entry.sourceRef);
        // Flip the flags of the old version where the random draw kept them.
        return row.hasErrors === entry.hasErrors ? { ...row, hasErrors: !entry.hasErrors } : row;
      }));
      await model.insert(repository, 1, 3, Array.from({ length: 300 }, (_, k) => rowOf(20_000 + k * 7, 1, next, `new/${ODD[k % ODD.length]}🌷img-${k}.jpg`)));
      await model.countLabels(tx, 1);
    });
    await index(engine);
    // The versions superseded at revision 2 are purged (their grams with them): revision 1 is gone.
    await engine.transaction(async (tx) => {
      const repository = new RkEntriesRepository(tx, engine.dialect);
      for (let after = { rev: 0, id: 0 }; ;) {
        const { scanned, last } = await repository.purgeSuperseded(1, 2, 100, [], after);
        if (scanned === 0) break;
        after = last;
      }
    });
    model.entries.splice(0, model.entries.length, ...model.entries.filter((entry) => !(entry.datasetId === 1 && entry.deletedRev !== null && entry.deletedRev <= 2)));
    await checkAll(engine, model, 1, [2, 3], SOME_FILTERS, 9);

    // Revision 4 is written, indexed, then discarded (a failed change): its rows and their grams
    // go, and the ids come back for the next attempt, which writes other source-refs and flags.
    const attempt = async (seed: number) => engine.transaction(async (tx) => {
      const repository = new RkEntriesRepository(tx, engine.dialect);
      const live = model.entries.filter((entry) => entry.datasetId === 1 && entry.deletedRev === null);
      const replaced = live.filter((_, i) => i % 9 === seed % 9);
      await model.supersede(repository, replaced, 4);
      const more = Array.from({ length: 200 }, (_, k) => rowOf(30_000 + seed * 1000 + k, 1, next, `retry-${seed}/${k % 2 ? 'É' : '%'}img-${String(k).padStart(5, '0')}.${seed}`));
      await model.insert(repository, 1, 4, [...replaced.map((entry) => rowOf(40_000 + entry.id, 1, next, entry.sourceRef)), ...more]);
    });
    const before = model.entries.length;
    await attempt(1);
    await index(engine);
    const highest = model.entries.at(-1)!.id;
    await engine.transaction((tx) => new RkEntriesRepository(tx, engine.dialect).discardStep(1, 4));
    model.entries.splice(before);
    for (const entry of model.entries) if (entry.deletedRev === 4) entry.deletedRev = null;
    await checkAll(engine, model, 1, [3], SOME_FILTERS, 10);
    await attempt(2);
    await engine.transaction((tx) => model.countLabels(tx, 1));
    if (backend === 'sqlite') expect(model.entries.at(-1)!.id).toBeLessThanOrEqual(highest);
    // SQLite: half of the new attempt is indexed (the ids of the discarded rows, reused), half not yet.
    await index(engine, model.entries[before + 100].id);
    await checkAll(engine, model, 1, [3, 4], SOME_FILTERS, 11);
    await index(engine);
    if (backend === 'postgres') await engine.run('ANALYZE');
    await checkAll(engine, model, 1, [4], FILTERS, 12);
  }, 900_000);
});

/**
 * A database written by the build before migration 0013 (SQLite: a trigram table, filled;
 * PostgreSQL: no statistics of trigrams, no partial trigram indexes) lists the same after the
 * migration, before and after its substring index is filled again.
 */
describe.each(BACKENDS)('ListDatasetEntries after the upgrade to migration 0013 (%s)', (backend) => {
  let engine: Engine;
  let cleanUp: () => Promise<void>;
  const model = new Model();

  beforeAll(async () => {
    const next = seededRandom(99);
    const rows = Array.from({ length: 3000 }, (_, i) => rowOf(i, 1, next));
    // The migrations before 0013, applied as the earlier build did, then its entries and (SQLite) its trigram index.
    const old = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.sql') && Number.parseInt(name, 10) < 13).sort();
    ({ engine, cleanUp } = await openEngine(backend, async ({ file, url }) => {
      if (file) {
        const db = new Database(file);
        const dir = 'src/store/sqlite/migrations/';
        db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
        for (const name of old(dir)) {
          db.exec(readFileSync(dir + name, 'utf8'));
          db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(Number.parseInt(name, 10), name, Date.now());
        }
        db.close();
        const before = new SqliteDriver({ filename: file, synchronous: 'NORMAL' });
        await before.transaction((tx) => model.insert(new RkEntriesRepository(tx, before.dialect), 1, 1, rows));
        await before.run('INSERT INTO rk_entries_fts (rowid, source_ref) SELECT id, source_ref FROM rk_entries');
        await before.run('UPDATE rk_trigram_progress SET indexed_upto = (SELECT MAX(id) FROM rk_entries)');
        await before.close();
      } else {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const dir = 'src/store/postgres/migrations/';
        await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        for (const name of old(dir)) {
          await client.query(readFileSync(dir + name, 'utf8'));
          await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [Number.parseInt(name, 10), name, Date.now()]);
        }
        await client.end();
        const before = new PostgresDriver({ url: url!, poolSize: 1 });
        await before.transaction((tx) => model.insert(new RkEntriesRepository(tx, before.dialect), 1, 1, rows));
        await before.close();
      }
    }));
    await engine.transaction((tx) => model.countLabels(tx, 1));
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await cleanUp?.();
  });

  it('lists exactly the matching entries while the substring index is refilled, and after', async () => {
    if (backend === 'sqlite') expect(await indexedUpTo(engine)).toBe(0);
    await checkAll(engine, model, 1, [1], SOME_FILTERS, 13);
    await index(engine, model.entries[1500].id);
    await checkAll(engine, model, 1, [1], SOME_FILTERS, 14);
    await index(engine);
    if (backend === 'sqlite') expect(await indexedUpTo(engine)).toBe(model.entries.at(-1)!.id);
    if (backend === 'postgres') await engine.run('ANALYZE');
    await checkAll(engine, model, 1, [1], FILTERS, 15);
  }, 600_000);
});
