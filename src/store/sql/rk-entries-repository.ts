import type { EntryFilter, EntryRow, StoredEntry } from '../records.js';
import { placeholders } from './sql-driver.js';
import type { SqlDialect, SqlExecutor, SqlValue } from './sql-driver.js';

interface EntryDbRow {
  id: number;
  source_ref: string;
  line: string;
  labels: string;
  is_labeled: number;
  has_errors: number;
}

/** Rows per multi-row statement: well under SQLite's 32766 variables and PostgreSQL's 65535. */
const CHUNK = 200;
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
   * every filter. Each filter drives an index that is already in that order, so a page costs
   * O(page) however deep it is (ContainsLabels merges one ordered scan per label).
   */
  async page(datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<{ id: number; line: string }[]> {
    // No stored label or source-ref contains U+0000 (the manifest validator refuses it), and
    // PostgreSQL cannot even take it as a parameter: such a filter term matches nothing.
    if (filter.sourceRefContains?.includes('\u0000')) return [];
    if (filter.containsLabels && filter.containsLabels.length > 0) {
      const labels = filter.containsLabels.filter((label) => !label.includes('\u0000'));
      const perLabel = await Promise.all(labels.map((label) => this.#pageByLabel(datasetId, revision, label, filter, afterId, limit)));
      const merged = new Map<number, string>();
      for (const rows of perLabel) for (const row of rows) merged.set(row.id, row.line);
      return [...merged].sort((a, b) => a[0] - b[0]).slice(0, limit).map(([id, line]) => ({ id, line }));
    }
    const contains = filter.sourceRefContains;
    if (contains !== undefined && this.dialect.substringIndex === 'fts5' && [...contains].length >= 3) {
      // Read first: every row up to it is in the trigram index (a later indexer commit only adds rows above it).
      const indexed = await this.#indexedUpTo();
      const extra = this.#filters({ ...filter, sourceRefContains: undefined });
      const rows = (await this.db.all<{ id: number; line: string }>(
        // CROSS JOIN keeps the trigram index as the outer loop (SQLite honours the written order):
        // with the rowid range, the planner would otherwise walk the dataset and probe the index.
        `SELECT e.id, e.line FROM rk_entries_fts f CROSS JOIN rk_entries e ON e.id = f.rowid
         WHERE rk_entries_fts MATCH ? AND f.rowid > ? AND f.rowid <= ? AND e.dataset_id = ? AND ${VISIBLE} ${extra.sql} AND instr(e.source_ref, ?) > 0
         ORDER BY f.rowid LIMIT ?`,
        [trigramQuery(contains), afterId, indexed, datasetId, revision, revision, ...extra.params, contains, limit],
      )).map((row) => ({ id: Number(row.id), line: row.line }));
      // Rows written since the index was last brought up to date (normally none, or the last
      // change for a moment after its commit) come after all indexed ones: read them directly.
      if (rows.length < limit) rows.push(...await this.#scanPage(datasetId, revision, filter, Math.max(afterId, indexed), limit - rows.length));
      return rows;
    }
    return this.#scanPage(datasetId, revision, filter, afterId, limit);
  }

  /** A page in listing order along (dataset_id, id), every filter checked row by row. */
  async #scanPage(datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<{ id: number; line: string }[]> {
    const extra = this.#filters(filter);
    const rows = await this.db.all<{ id: number; line: string }>(
      `SELECT e.id, e.line FROM rk_entries e
       WHERE e.dataset_id = ? AND e.id > ? AND ${VISIBLE} ${extra.sql}
       ORDER BY e.id LIMIT ?`,
      [datasetId, afterId, revision, revision, ...extra.params, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), line: row.line }));
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

  /** Deletes up to `limit` row versions superseded at or before `revision`; returns how many. */
  async purgeSuperseded(datasetId: number, revision: number, limit: number): Promise<number> {
    const rows = await this.db.all<{ id: number; labels: string }>(
      'SELECT id, labels FROM rk_entries WHERE dataset_id = ? AND deleted_rev IS NOT NULL AND deleted_rev <= ? LIMIT ?',
      [datasetId, revision, limit],
    );
    await this.#deleteRows(datasetId, rows);
    return rows.length;
  }

  /** Deletes up to `limit` rows of a dataset being deleted; returns how many. */
  async purgeDataset(datasetId: number, limit: number): Promise<number> {
    const rows = await this.db.all<{ id: number; labels: string }>('SELECT id, labels FROM rk_entries WHERE dataset_id = ? LIMIT ?', [datasetId, limit]);
    await this.#deleteRows(datasetId, rows);
    return rows.length;
  }

  async #pageByLabel(datasetId: number, revision: number, label: string, filter: EntryFilter, afterId: number, limit: number) {
    const extra = this.#filters(filter);
    const rows = await this.db.all<{ id: number; line: string }>(
      `SELECT e.id, e.line FROM rk_entry_labels l JOIN rk_entries e ON e.id = l.entry_id
       WHERE l.dataset_id = ? AND l.label = ? AND l.entry_id > ? AND ${VISIBLE} ${extra.sql}
       ORDER BY l.entry_id LIMIT ?`,
      [datasetId, label, afterId, revision, revision, ...extra.params, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), line: row.line }));
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

  async #indexedUpTo(): Promise<number> {
    const row = await this.db.get<{ indexed_upto: number }>('SELECT indexed_upto FROM rk_trigram_progress WHERE id = 1');
    return Number(row?.indexed_upto ?? 0);
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

function toStored(row: EntryDbRow): StoredEntry {
  return {
    id: Number(row.id),
    sourceRef: row.source_ref,
    line: row.line,
    labels: JSON.parse(row.labels) as [string, number][],
    isLabeled: row.is_labeled === 1,
    hasErrors: row.has_errors === 1,
  };
}
