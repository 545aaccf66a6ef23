import type { EntryFilter, EntryRow, StoredEntry } from '../records.js';
import { placeholders } from './sql-driver.js';
import type { SqlDialect, SqlExecutor, SqlValue } from './sql-driver.js';

export interface EntryDbRow {
  id: number;
  source_ref: string;
  line: string;
  labels: string;
  is_labeled: number;
  has_errors: number;
}

/** Where a walk over superseded row versions stopped: the (deleted_rev, id) of the last row seen. */
export interface SupersededCursor { readonly rev: number; readonly id: number }

/** Rows per multi-row statement: well under SQLite's 32766 variables and PostgreSQL's 65535. */
const CHUNK = 200;
/** Ids read per query while walking to a position: bounded memory, few round trips. */
const POSITION_STEP = 5000;
const VISIBLE = 'e.created_rev <= ? AND (e.deleted_rev IS NULL OR e.deleted_rev > ?)';
/** Postings read per trigram to estimate how common it is (SourceRefContains on SQLite). */
const PROBE = 256;
/** Source-refs a SourceRefContains query may let through to the exact test, about. */
const TARGET_CANDIDATES = 32;

/**
 * Row versions of Rekognition entries. A row is visible at revision R when
 * created_rev <= R < deleted_rev; writers add rows at an uncommitted revision, so readers
 * pinned to the committed one never see a half-applied batch.
 */
export class RkEntriesRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /** The live (not superseded) rows of these source-refs, with the revision that created each. */
  async findLive(datasetId: number, sourceRefs: readonly string[]): Promise<(StoredEntry & { createdRev: number })[]> {
    const found: (StoredEntry & { createdRev: number })[] = [];
    for (let i = 0; i < sourceRefs.length; i += CHUNK) {
      const slice = sourceRefs.slice(i, i + CHUNK);
      const rows = await this.db.all<EntryDbRow & { created_rev: number }>(
        `SELECT id, source_ref, line, labels, is_labeled, has_errors, created_rev FROM rk_entries
         WHERE dataset_id = ? AND deleted_rev IS NULL AND source_ref IN (${placeholders(slice.length)})`,
        [datasetId, ...slice],
      );
      for (const row of rows) found.push({ ...toStored(row), createdRev: Number(row.created_rev) });
    }
    return found;
  }

  /**
   * The revision that wrote each live row of these source-refs (no lines: an index probe per
   * source-ref), to tell whether rows read earlier are still the live ones.
   */
  async liveRevisions(datasetId: number, sourceRefs: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < sourceRefs.length; i += CHUNK) {
      const slice = sourceRefs.slice(i, i + CHUNK);
      const rows = await this.db.all<{ source_ref: string; created_rev: number }>(
        `SELECT source_ref, created_rev FROM rk_entries WHERE dataset_id = ? AND deleted_rev IS NULL AND source_ref IN (${placeholders(slice.length)})`,
        [datasetId, ...slice],
      );
      for (const row of rows) found.set(row.source_ref, Number(row.created_rev));
    }
    return found;
  }

  /**
   * True when the dataset has an entry with this source-ref at `revision`. Two index probes: the
   * live row (partial unique index), else a row superseded after `revision` by a change not yet
   * published (few rows: only the change in progress supersedes past the committed revision).
   */
  async hasSourceRef(datasetId: number, revision: number, sourceRef: string): Promise<boolean> {
    const live = await this.db.get<{ created_rev: number }>(
      'SELECT created_rev FROM rk_entries WHERE dataset_id = ? AND source_ref = ? AND deleted_rev IS NULL',
      [datasetId, sourceRef],
    );
    if (live && Number(live.created_rev) <= revision) return true;
    const superseded = await this.db.get<{ id: number }>(
      'SELECT id FROM rk_entries WHERE dataset_id = ? AND deleted_rev IS NOT NULL AND deleted_rev > ? AND created_rev <= ? AND source_ref = ? LIMIT 1',
      [datasetId, revision, revision, sourceRef],
    );
    return superseded !== undefined;
  }

  /** Inserts new row versions created at `revision`. Source-refs must not be live in the dataset. */
  async insert(datasetId: number, revision: number, rows: readonly EntryRow[]): Promise<void> {
    const ids = await this.db.insertMany(
      'rk_entries',
      ['dataset_id', 'source_ref', 'line', 'labels', 'is_labeled', 'has_errors', 'created_rev'],
      rows.map((row) => [datasetId, row.sourceRef, row.line, JSON.stringify(row.labels), row.isLabeled ? 1 : 0, row.hasErrors ? 1 : 0, revision]),
    );
    const labelRows: SqlValue[][] = [];
    rows.forEach((row, i) => {
      for (const [label] of row.labels) labelRows.push([datasetId, label, ids[i], row.hasErrors ? 1 : 0, row.sourceRef]);
    });
    await this.db.runBatch('INSERT INTO rk_entry_labels (dataset_id, label, entry_id, has_errors, source_ref) VALUES (?, ?, ?, ?, ?)', labelRows);
    // SQLite's trigram index is brought up to date after the commit (indexSourceRefs).
  }

  /**
   * SQLite: adds the source-refs of up to `limit` entry rows written since the last call to the
   * trigram index, and returns how many (0: the index is up to date). Run in a transaction, so
   * the rows and the progress mark move together. The pg_trgm index needs no help: always 0.
   */
  async indexSourceRefs(limit: number): Promise<number> {
    if (this.dialect.substringIndex !== 'fts5') return 0;
    const rows = await this.db.all<{ id: number; source_ref: string }>(
      'SELECT id, source_ref FROM rk_entries WHERE id > (SELECT indexed_upto FROM rk_trigram_progress WHERE id = 1) ORDER BY id LIMIT ?',
      [limit],
    );
    if (rows.length === 0) return 0;
    await this.db.runBatch('INSERT INTO rk_entries_fts (rowid, source_ref) VALUES (?, ?)', rows.map((row) => [row.id, row.source_ref]));
    await this.db.run('UPDATE rk_trigram_progress SET indexed_upto = ?', [rows[rows.length - 1].id]);
    return rows.length;
  }

  /** Marks rows as superseded (replaced or removed) at `revision`. */
  async supersede(ids: readonly number[], revision: number): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const slice = ids.slice(i, i + CHUNK);
      await this.db.run(`UPDATE rk_entries SET deleted_rev = ? WHERE id IN (${placeholders(slice.length)})`, [revision, ...slice]);
    }
  }

  /**
   * Undoes everything written at an uncommitted `revision`: the retry path of a job that crashed
   * or failed between chunks. Idempotent. Rows created at the dataset's newest revision have its
   * highest ids (one writer per dataset at a time), so they are found from the end of the
   * listing-order index without an index of their own.
   */
  async discard(datasetId: number, revision: number): Promise<void> {
    for (;;) {
      const rows = await this.db.all<{ id: number; labels: string; created_rev: number }>(
        'SELECT id, labels, created_rev FROM rk_entries WHERE dataset_id = ? ORDER BY id DESC LIMIT 1000',
        [datasetId],
      );
      const created = rows.filter((row) => Number(row.created_rev) === revision);
      await this.#deleteRows(datasetId, created);
      if (created.length < rows.length || rows.length === 0) break;
    }
    await this.db.run('UPDATE rk_entries SET deleted_rev = NULL WHERE dataset_id = ? AND deleted_rev = ?', [datasetId, revision]);
  }

  /**
   * One page of entries visible at `revision`, in entry-row order after `afterId`, matching
   * every filter. The page walks one index that is already in that order, chosen so that the
   * other filters are tested on what that index holds (rarely the entry row itself): a label's
   * rows (which carry their entry's has_errors and source_ref; labels with errors have their own
   * index), the entries with errors or without labels (whose indexes carry the other filters'
   * columns), the trigram index, or the whole listing order. ContainsLabels merges one ordered
   * walk per label.
   */
  async page(datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<{ id: number; line: string }[]> {
    const rows = await this.#select<{ id: number; line: string }>('e.id, e.line', datasetId, revision, filter, afterId, limit);
    return rows.map((row) => ({ id: Number(row.id), line: row.line }));
  }

  /**
   * Where position `position` (0-based) of the filtered listing at `revision` starts: the id of
   * the entry just before it (0 for position 0), or, when the listing has no entry at that
   * position, its exact length. The same ordered index walks as `page`, reading ids only, in
   * bounded steps: O(position) index entries, never the lines, and memory of one step.
   */
  async positionAt(datasetId: number, revision: number, filter: EntryFilter, position: number, step = POSITION_STEP): Promise<{ afterId: number } | { count: number }> {
    let afterId = 0;
    let passed = 0;
    while (passed < position) {
      const want = Math.min(step, position - passed);
      const ids = await this.#select<{ id: number }>('e.id', datasetId, revision, filter, afterId, want);
      passed += ids.length;
      if (ids.length < want) return { count: passed };
      afterId = Number(ids[ids.length - 1].id);
    }
    // Position `position` exists only if one more entry follows.
    const next = await this.#select<{ id: number }>('e.id', datasetId, revision, filter, afterId, 1);
    return next.length > 0 ? { afterId } : { count: passed };
  }

  /** `columns` of the entries visible at `revision` after `afterId` matching `filter`, in listing order. */
  async #select<T extends { id: number }>(columns: string, datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<T[]> {
    // No stored label or source-ref contains U+0000 (the manifest validator refuses it), and
    // PostgreSQL cannot even take it as a parameter: such a filter term matches nothing.
    if (filter.sourceRefContains?.includes('\u0000')) return [];
    if (filter.containsLabels && filter.containsLabels.length > 0) {
      // Label rows come from valid label attributes, so every entry that has one is labeled.
      if (filter.labeled === false) return [];
      const labels = filter.containsLabels.filter((label) => !label.includes('\u0000'));
      const perLabel = await Promise.all(labels.map((label) => this.#selectByLabel<T>(columns, datasetId, revision, label, filter, afterId, limit)));
      const merged = new Map<number, T>();
      for (const rows of perLabel) for (const row of rows) merged.set(Number(row.id), row);
      return [...merged].sort((a, b) => a[0] - b[0]).slice(0, limit).map(([, row]) => row);
    }
    // The minority sets (entries with errors, unlabeled entries) are walked whole rather than
    // the substring matches, which may be most of the dataset: their indexes carry source_ref.
    const minority = filter.hasErrors === true || filter.labeled === false;
    const contains = filter.sourceRefContains;
    if (!minority && contains !== undefined && this.dialect.substringIndex === 'fts5' && [...contains].length >= 3) {
      // Read first: every row up to it is in the trigram index (a later indexer commit only adds rows above it).
      const indexed = await this.#indexedUpTo();
      const extra = this.#filters(filter);
      const rows = await this.db.all<T>(
        // CROSS JOIN keeps the trigram index as the outer loop (SQLite honours the written order):
        // with the rowid range, the planner would otherwise walk the dataset and probe the index.
        `SELECT ${columns} FROM rk_entries_fts f CROSS JOIN rk_entries e ON e.id = f.rowid
         WHERE rk_entries_fts MATCH ? AND f.rowid > ? AND f.rowid <= ? AND e.dataset_id = ? AND ${VISIBLE} ${extra.sql}
         ORDER BY f.rowid LIMIT ?`,
        [await this.#trigramMatch(contains, indexed), afterId, indexed, datasetId, revision, revision, ...extra.params, limit],
      );
      // Rows written since the index was last brought up to date (normally none, or the last
      // change for a moment after its commit) come after all indexed ones: read them directly.
      if (rows.length < limit) rows.push(...await this.#selectInOrder<T>(columns, datasetId, revision, filter, Math.max(afterId, indexed), limit - rows.length));
      return rows;
    }
    return this.#selectInOrder<T>(columns, datasetId, revision, filter, afterId, limit);
  }

  /**
   * `columns` in listing order along (dataset_id, id): the index of entries with errors when
   * HasErrors=true (the other filters, Labeled included, are then tested on its columns only),
   * else that of unlabeled entries when Labeled=false, else the whole listing order.
   */
  async #selectInOrder<T>(columns: string, datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<T[]> {
    const extra = this.#filters(filter);
    const walk = filter.hasErrors === true ? this.dialect.indexedBy('rk_entries_with_errors')
      : filter.labeled === false ? this.dialect.indexedBy('rk_entries_unlabeled') : '';
    return this.db.all<T>(
      `SELECT ${columns} FROM rk_entries e ${walk}
       WHERE e.dataset_id = ? AND e.id > ? AND ${VISIBLE} ${extra.sql}
       ORDER BY e.id LIMIT ?`,
      [datasetId, afterId, revision, revision, ...extra.params, limit],
    );
  }

  /** Entries visible at `revision` after `afterId`, with everything needed to copy them. */
  async scan(datasetId: number, revision: number, afterId: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.db.all<EntryDbRow>(
      `SELECT e.id, e.source_ref, e.line, e.labels, e.is_labeled, e.has_errors FROM rk_entries e
       WHERE e.dataset_id = ? AND e.id > ? AND ${VISIBLE} ORDER BY e.id LIMIT ?`,
      [datasetId, afterId, revision, revision, limit],
    );
    return rows.map(toStored);
  }

  /**
   * Deletes row versions superseded at or before `revision`, looking at up to `limit` of them in
   * (deleted_rev, id) order after `after`. A version visible at one of the `kept` revisions
   * (snapshots) stays. Returns how many were looked at and deleted, and the last one looked at.
   */
  async purgeSuperseded(datasetId: number, revision: number, limit: number, kept: readonly number[] = [], after: SupersededCursor = { rev: 0, id: 0 }): Promise<{
    scanned: number; purged: number; last: SupersededCursor;
  }> {
    const rows = await this.db.all<{ id: number; labels: string; created_rev: number; deleted_rev: number }>(
      `SELECT id, labels, created_rev, deleted_rev FROM rk_entries
       WHERE dataset_id = ? AND deleted_rev IS NOT NULL AND (deleted_rev, id) > (?, ?) AND deleted_rev <= ?
       ORDER BY deleted_rev, id LIMIT ?`,
      [datasetId, after.rev, after.id, revision, limit],
    );
    const doomed = rows.filter((row) => !keptBy(kept, Number(row.created_rev), Number(row.deleted_rev)));
    await this.#deleteRows(datasetId, doomed);
    const last = rows.length > 0 ? { rev: Number(rows[rows.length - 1].deleted_rev), id: Number(rows[rows.length - 1].id) } : after;
    return { scanned: rows.length, purged: doomed.length, last };
  }

  /** Deletes up to `limit` rows of a dataset being deleted; returns how many. */
  async purgeDataset(datasetId: number, limit: number): Promise<number> {
    const rows = await this.db.all<{ id: number; labels: string }>('SELECT id, labels FROM rk_entries WHERE dataset_id = ? LIMIT ?', [datasetId, limit]);
    await this.#deleteRows(datasetId, rows);
    return rows.length;
  }

  /** One label's entries in listing order; HasErrors and SourceRefContains are tested on the label rows. */
  async #selectByLabel<T>(columns: string, datasetId: number, revision: number, label: string, filter: EntryFilter, afterId: number, limit: number): Promise<T[]> {
    let sql = '';
    const params: SqlValue[] = [];
    // Literals, not parameters: HasErrors=true walks the index of labels with errors.
    if (filter.hasErrors !== undefined) sql += filter.hasErrors ? ' AND l.has_errors = 1' : ' AND l.has_errors = 0';
    if (filter.sourceRefContains !== undefined) {
      const test = this.#containsTest('l.source_ref', filter.sourceRefContains);
      sql += ` AND ${test.sql}`;
      params.push(test.param);
    }
    return this.db.all<T>(
      `SELECT ${columns} FROM rk_entry_labels l JOIN rk_entries e ON e.id = l.entry_id
       WHERE l.dataset_id = ? AND l.label = ? AND l.entry_id > ? ${sql} AND ${VISIBLE}
       ORDER BY l.entry_id LIMIT ?`,
      [datasetId, label, afterId, ...params, revision, revision, limit],
    );
  }

  /**
   * SQL for the filters tested row by row once an index has been chosen. Literals, not
   * parameters: the planner can only use a partial index whose WHERE it can see.
   */
  #filters(filter: EntryFilter): { sql: string; params: SqlValue[] } {
    let sql = '';
    const params: SqlValue[] = [];
    if (filter.hasErrors !== undefined) sql += filter.hasErrors ? ' AND e.has_errors = 1' : ' AND e.has_errors = 0';
    if (filter.labeled !== undefined) sql += filter.labeled ? ' AND e.is_labeled = 1' : ' AND e.is_labeled = 0';
    if (filter.sourceRefContains !== undefined) {
      const test = this.#containsTest('e.source_ref', filter.sourceRefContains);
      sql += ` AND ${test.sql}`;
      params.push(test.param);
    }
    return { sql, params };
  }

  /**
   * The exact substring test of SourceRefContains on `column`, case-sensitive (SQLite's LIKE
   * ignores ASCII case, so SQLite uses GLOB, which also tests a row faster than instr).
   */
  #containsTest(column: string, text: string): { sql: string; param: string } {
    if (this.dialect.substringIndex === 'fts5') return { sql: `${column} GLOB ?`, param: `*${text.replace(/[*?[]/g, (c) => `[${c}]`)}*` };
    return { sql: `${column} LIKE ? ESCAPE '\\'`, param: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
  }

  /** Deletes row versions with their label rows (found by key from the row's labels) and trigram postings. */
  async #deleteRows(datasetId: number, rows: readonly { id: number; labels: string }[]): Promise<void> {
    if (rows.length === 0) return;
    const labelKeys: SqlValue[][] = [];
    for (const row of rows) for (const [label] of JSON.parse(row.labels) as [string, number][]) labelKeys.push([datasetId, label, Number(row.id)]);
    await this.db.runBatch('DELETE FROM rk_entry_labels WHERE dataset_id = ? AND label = ? AND entry_id = ?', labelKeys);
    const ids = rows.map((row) => Number(row.id));
    const fts = this.dialect.substringIndex === 'fts5';
    const indexed = fts ? await this.#indexedUpTo() : 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const slice = ids.slice(i, i + CHUNK);
      const inIndex = slice.filter((id) => id <= indexed);
      if (inIndex.length > 0) await this.db.run(`DELETE FROM rk_entries_fts WHERE rowid IN (${placeholders(inIndex.length)})`, inIndex);
      await this.db.run(`DELETE FROM rk_entries WHERE id IN (${placeholders(slice.length)})`, slice);
    }
    // SQLite gives the next row the highest id + 1, so once the newest rows are gone their ids come
    // back: keep the progress mark below every id still to be written (rows up to it stay indexed).
    if (fts) {
      await this.db.run(
        `UPDATE rk_trigram_progress SET indexed_upto = (SELECT COALESCE(MAX(id), 0) FROM rk_entries)
         WHERE indexed_upto > (SELECT COALESCE(MAX(id), 0) FROM rk_entries)`,
      );
    }
  }

  /**
   * The FTS5 query for SourceRefContains on the detail=none trigram index: some of the
   * substring's trigrams, all of which a matching source-ref holds (a superset of the matches;
   * the exact test follows). A query costs about the postings of its rarest trigram, plus one
   * row read per source-ref it lets through. So each trigram's first PROBE postings are read (a
   * few microseconds) to estimate how many it has, and the rarest ones are asked for, as many
   * as it takes to let about TARGET_CANDIDATES through: `456` and `234` (800 and 1,800 of
   * 250,000) find the one `img-0123456`, where `img`, in every source-ref, would add nothing
   * but reading every posting of the dataset to prove nothing else matches.
   */
  async #trigramMatch(text: string, indexedUpTo: number): Promise<string> {
    const trigrams = trigramsOf(text);
    if (trigrams.length <= 2 || indexedUpTo === 0) return trigramQuery(trigrams);
    const estimates = await Promise.all(trigrams.map(async (trigram) => {
      const probe = await this.db.get<{ n: number; last: number | null }>(
        'SELECT COUNT(*) AS n, MAX(rowid) AS last FROM (SELECT rowid FROM rk_entries_fts WHERE rk_entries_fts MATCH ? ORDER BY rowid LIMIT ?)',
        [trigramQuery([trigram]), PROBE],
      );
      const n = Number(probe?.n ?? 0);
      // Fewer than PROBE: that is the count. Else assume the postings spread evenly over the ids.
      return { trigram, count: n < PROBE ? n : (PROBE * indexedUpTo) / Math.max(1, Number(probe?.last ?? indexedUpTo)) };
    }));
    estimates.sort((a, b) => a.count - b.count);
    const chosen = [estimates[0].trigram];
    // Each further trigram keeps the share of candidates it is found in (as if independent).
    let candidates = estimates[0].count;
    for (const next of estimates.slice(1)) {
      if (candidates <= TARGET_CANDIDATES) break;
      chosen.push(next.trigram);
      candidates *= next.count / indexedUpTo;
    }
    return trigramQuery(chosen);
  }

  async #indexedUpTo(): Promise<number> {
    const row = await this.db.get<{ indexed_upto: number }>('SELECT indexed_upto FROM rk_trigram_progress WHERE id = 1');
    return Number(row?.indexed_upto ?? 0);
  }
}

/** The distinct trigrams of a substring of 3+ characters (characters, not UTF-16 units). */
export function trigramsOf(text: string): string[] {
  const chars = [...text];
  const trigrams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(''));
  return [...trigrams];
}

/** An FTS5 query that every one of `trigrams` occurs (each quoted, quotes doubled). */
export function trigramQuery(trigrams: readonly string[]): string {
  return trigrams.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

/** True when one of the ascending revisions `kept` lies in [created, deleted): it sees the row version. */
function keptBy(kept: readonly number[], created: number, deleted: number): boolean {
  let low = 0;
  let high = kept.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (kept[mid] < created) low = mid + 1;
    else high = mid;
  }
  return low < kept.length && kept[low] < deleted;
}

export function toStored(row: EntryDbRow): StoredEntry {
  return {
    id: Number(row.id),
    sourceRef: row.source_ref,
    line: row.line,
    labels: JSON.parse(row.labels) as [string, number][],
    isLabeled: row.is_labeled === 1,
    hasErrors: row.has_errors === 1,
  };
}
