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
      for (const [label] of row.labels) labelRows.push([datasetId, label, ids[i]]);
    });
    await this.db.runBatch('INSERT INTO rk_entry_labels (dataset_id, label, entry_id) VALUES (?, ?, ?)', labelRows);
    if (this.dialect.substringIndex === 'fts5') {
      await this.db.runBatch('INSERT INTO rk_entries_fts (rowid, source_ref) VALUES (?, ?)', rows.map((row, i) => [ids[i], row.sourceRef]));
    }
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
   * every filter. Each filter drives an index that is already in that order, so a page costs
   * O(page) however deep it is (ContainsLabels merges one ordered scan per label).
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
      const labels = filter.containsLabels.filter((label) => !label.includes('\u0000'));
      const perLabel = await Promise.all(labels.map((label) => this.#selectByLabel<T>(columns, datasetId, revision, label, filter, afterId, limit)));
      const merged = new Map<number, T>();
      for (const rows of perLabel) for (const row of rows) merged.set(Number(row.id), row);
      return [...merged].sort((a, b) => a[0] - b[0]).slice(0, limit).map(([, row]) => row);
    }
    const contains = filter.sourceRefContains;
    if (contains !== undefined && this.dialect.substringIndex === 'fts5' && [...contains].length >= 3) {
      const extra = this.#filters({ ...filter, sourceRefContains: undefined });
      return this.db.all<T>(
        `SELECT ${columns} FROM rk_entries_fts f JOIN rk_entries e ON e.id = f.rowid
         WHERE rk_entries_fts MATCH ? AND f.rowid > ? AND e.dataset_id = ? AND ${VISIBLE} ${extra.sql} AND instr(e.source_ref, ?) > 0
         ORDER BY f.rowid LIMIT ?`,
        [trigramQuery(contains), afterId, datasetId, revision, revision, ...extra.params, contains, limit],
      );
    }
    const extra = this.#filters(filter);
    return this.db.all<T>(
      `SELECT ${columns} FROM rk_entries e
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

  async #selectByLabel<T>(columns: string, datasetId: number, revision: number, label: string, filter: EntryFilter, afterId: number, limit: number): Promise<T[]> {
    const extra = this.#filters(filter);
    return this.db.all<T>(
      `SELECT ${columns} FROM rk_entry_labels l JOIN rk_entries e ON e.id = l.entry_id
       WHERE l.dataset_id = ? AND l.label = ? AND l.entry_id > ? AND ${VISIBLE} ${extra.sql}
       ORDER BY l.entry_id LIMIT ?`,
      [datasetId, label, afterId, revision, revision, ...extra.params, limit],
    );
  }

  /** SQL for the filters that are checked row by row once a driving index has been chosen. */
  #filters(filter: EntryFilter): { sql: string; params: SqlValue[] } {
    let sql = '';
    const params: SqlValue[] = [];
    // Literals, not parameters: the planner can only use a partial index whose WHERE it can see.
    if (filter.hasErrors !== undefined) sql += filter.hasErrors ? ' AND e.has_errors = 1' : ' AND e.has_errors = 0';
    if (filter.labeled !== undefined) sql += filter.labeled ? ' AND e.is_labeled = 1' : ' AND e.is_labeled = 0';
    if (filter.sourceRefContains !== undefined) {
      if (this.dialect.substringIndex === 'fts5') {
        sql += ' AND instr(e.source_ref, ?) > 0';
        params.push(filter.sourceRefContains);
      } else {
        sql += " AND e.source_ref LIKE ? ESCAPE '\\'";
        params.push(`%${filter.sourceRefContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      }
    }
    return { sql, params };
  }

  /** Deletes row versions with their label rows (found by key from the row's labels) and trigram postings. */
  async #deleteRows(datasetId: number, rows: readonly { id: number; labels: string }[]): Promise<void> {
    const labelKeys: SqlValue[][] = [];
    for (const row of rows) for (const [label] of JSON.parse(row.labels) as [string, number][]) labelKeys.push([datasetId, label, Number(row.id)]);
    await this.db.runBatch('DELETE FROM rk_entry_labels WHERE dataset_id = ? AND label = ? AND entry_id = ?', labelKeys);
    const ids = rows.map((row) => Number(row.id));
    for (let i = 0; i < ids.length; i += CHUNK) {
      const slice = ids.slice(i, i + CHUNK);
      const list = placeholders(slice.length);
      if (this.dialect.substringIndex === 'fts5') await this.db.run(`DELETE FROM rk_entries_fts WHERE rowid IN (${list})`, slice);
      await this.db.run(`DELETE FROM rk_entries WHERE id IN (${list})`, slice);
    }
  }
}

/**
 * An FTS5 query for a substring of 3+ characters on a detail=none trigram index: trigrams that
 * together cover every character (at 0, 3, 6, ... and the last one) must all occur. That is a
 * superset of the matches (the caller checks the exact substring), and half as many posting
 * lists to intersect as every overlapping trigram: a common prefix such as `img-` appears in
 * every source-ref, and each of its trigrams is read to the end when few rows match
 * (bench/rekognition-listing.ts: 5.9 ms → 3.0 ms for a single match among 250,000).
 */
export function trigramQuery(text: string): string {
  const chars = [...text];
  const starts = new Set<number>();
  for (let i = 0; i + 3 <= chars.length; i += 3) starts.add(i);
  starts.add(chars.length - 3);
  const trigrams = new Set([...starts].map((i) => chars.slice(i, i + 3).join('')));
  return [...trigrams].map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
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
