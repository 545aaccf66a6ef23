import type { EntryFilter, EntryRow, LiveEntry, ReplacedEntry, StoredEntry } from '../records.js';
import { DEFAULT_PAGE_READ_BYTES, readBytePage } from './byte-pages.js';
import type { BytePage, BytePageQuery } from './byte-pages.js';
import { RkEntryListing } from './rk-entry-listing.js';
import { indexedText } from './source-ref-grams.js';
import { SourceRefChunks } from './source-ref-chunks.js';
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

/** A live row as findLive and findReplaced read it: its line only when asked for and short enough. */
type LiveDbRow = Omit<EntryDbRow, 'line'> & { created_rev: number; line_bytes: number; line?: string | null };

/** Where a walk over superseded row versions stopped: the (deleted_rev, id) of the last row seen. */
export interface SupersededCursor { readonly rev: number; readonly id: number }

/** Rows per multi-row statement: well under SQLite's 32766 variables and PostgreSQL's 65535. */
const CHUNK = 200;
/** Ids read per query while walking to a position: bounded memory, few round trips. */
const POSITION_STEP = 5000;
/** Rows deleted (or restored) per step of undoing an uncommitted revision: one short transaction each. */
const DISCARD_STEP = 1000;
const VISIBLE = 'e.created_rev <= ? AND (e.deleted_rev IS NULL OR e.deleted_rev > ?)';
/** The columns of a whole entry row (EntryDbRow, toStored), the one list of them. */
const ENTRY_FIELDS = ['id', 'source_ref', 'line', 'labels', 'is_labeled', 'has_errors'] as const;
/** A whole entry row, read from `rk_entries` unaliased (index probes whose plan texts name no alias). */
export const ENTRY_ROW = ENTRY_FIELDS.join(', ');
/** A whole entry row of `e`. */
const ENTRY_COLUMNS = ENTRY_FIELDS.map((column) => `e.${column}`).join(', ');

/**
 * A page of whole entry rows of `rk_entries e` bounded by bytes of lines as well as rows
 * (byte-pages.ts): ENTRY_COLUMNS, then `extra` columns. Copies, exports and history walk this way.
 */
export function readEntryPage<T extends EntryDbRow>(
  db: SqlExecutor, query: Pick<BytePageQuery, 'where' | 'params' | 'order'>, limit: number, maxBytes: number, extra = '',
): Promise<BytePage<T>> {
  return readBytePage<T>(db, { ...query, table: 'rk_entries', size: 'octet_length(e.line)', select: `${ENTRY_COLUMNS}${extra}` }, limit, maxBytes);
}

/**
 * Row versions of Rekognition entries. A row is visible at revision R when
 * created_rev <= R < deleted_rev; writers add rows at an uncommitted revision, so readers
 * pinned to the committed one never see a half-applied batch.
 */
export class RkEntriesRepository {
  /** ListDatasetEntries' read path (its index choices, and the statistics it keeps). */
  readonly #listing: RkEntryListing;
  /** PostgreSQL's ordered substring index (source-ref-chunks.ts). */
  readonly #chunks: SourceRefChunks | undefined;

  /** `pageReadBytes`: the lines a `scan` returns at most, past its first (byte-pages.ts). */
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect, private readonly pageReadBytes = DEFAULT_PAGE_READ_BYTES) {
    this.#chunks = dialect.substringIndex === 'pg_trgm' ? new SourceRefChunks(db) : undefined;
    this.#listing = new RkEntryListing(db, dialect, this.#chunks);
  }

  /**
   * The live (not superseded) rows of these source-refs, with the revision that created each and
   * the size of its line, not the line: a change of short lines replacing 100,000-character ones
   * needs none of those (readLines reads the lines a caller does need, a page budget at a time).
   */
  async findLive(datasetId: number, sourceRefs: readonly string[]): Promise<LiveEntry[]> {
    const found: LiveEntry[] = [];
    for (let i = 0; i < sourceRefs.length; i += CHUNK) {
      for (const row of await this.#live(datasetId, sourceRefs.slice(i, i + CHUNK))) found.push(toLive(row));
    }
    return found;
  }

  /**
   * findLive for a change that writes `rows` over the live rows of their source-refs, with whether
   * each stored line is exactly the new one (history counts such an entry unchanged). Only a
   * stored line of the new one's size can be, so no other is compared: short lines replacing
   * 100,000-character ones read none. Those that can are read with the rows while no longer than
   * the slice's longest new line and its share of the page budget (one statement, as for lines of
   * a few hundred bytes), the others a page budget at a time (readLines); a slice's lines are
   * compared and dropped before the next slice is read.
   */
  async findReplaced(datasetId: number, rows: readonly EntryRow[]): Promise<ReplacedEntry[]> {
    const found: ReplacedEntry[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const slice = rows.slice(i, i + CHUNK);
      const lines = new Map<string, { line: string; bytes: number }>();
      let longest = 0;
      for (const row of slice) {
        const bytes = Buffer.byteLength(row.line, 'utf8');
        lines.set(row.sourceRef, { line: row.line, bytes });
        longest = Math.max(longest, bytes);
      }
      const live = await this.#live(datasetId, slice.map((row) => row.sourceRef), Math.min(longest, Math.floor(this.pageReadBytes / slice.length)));
      const same = new Set<number>();
      const unread: LiveEntry[] = [];
      for (const row of live) {
        const now = lines.get(row.source_ref)!;
        if (Number(row.line_bytes) !== now.bytes) continue;
        if (row.line === null) unread.push(toLive(row));
        else if (row.line === now.line) same.add(Number(row.id));
      }
      await this.readLines(datasetId, unread, (row, line) => {
        if (line === lines.get(row.sourceRef)!.line) same.add(row.id);
      });
      for (const row of live) found.push(toLive(row, same.has(Number(row.id))));
    }
    return found;
  }

  /**
   * The live rows of a slice of source-refs, each with its line's size (`octet_length` in a plain
   * SELECT or a CASE reads no text: byte-pages.ts) and, when `inlineBytes` is given, its line if
   * no longer than that (the engine reads no longer one).
   */
  async #live(datasetId: number, slice: readonly string[], inlineBytes?: number): Promise<LiveDbRow[]> {
    const inline = inlineBytes === undefined ? '' : ', CASE WHEN octet_length(line) <= ? THEN line END AS line';
    return this.db.all<LiveDbRow>(
      `SELECT id, source_ref, labels, is_labeled, has_errors, created_rev, octet_length(line) AS line_bytes${inline} FROM rk_entries
       WHERE dataset_id = ? AND deleted_rev IS NULL AND source_ref IN (${placeholders(slice.length)})`,
      [...(inlineBytes === undefined ? [] : [inlineBytes]), datasetId, ...slice],
    );
  }

  /**
   * Calls `visit` with the stored line of each of `rows` (rows of dataset `datasetId` read by
   * findLive, whose sizes it has), in their order, reading the lines in groups of at most
   * `maxBytes` (a group holds one row at least) and CHUNK rows: memory holds one group of lines,
   * whatever their sizes. A row no longer stored (purged since it was read outside a
   * transaction) is visited with undefined; so is an id SQLite gave since to another row (its
   * dataset and source-ref are checked).
   */
  async readLines<R extends Pick<LiveEntry, 'id' | 'lineBytes' | 'sourceRef'>>(
    datasetId: number, rows: readonly R[], visit: (row: R, line: string | undefined) => void, maxBytes = this.pageReadBytes,
  ): Promise<void> {
    for (let start = 0; start < rows.length;) {
      let end = start + 1;
      for (let bytes = rows[start].lineBytes; end < rows.length && end - start < CHUNK && bytes + rows[end].lineBytes <= maxBytes; end++) bytes += rows[end].lineBytes;
      const group = rows.slice(start, end);
      const lines = new Map<number, { sourceRef: string; line: string }>();
      const read = await this.db.all<{ id: number; source_ref: string; line: string }>(
        `SELECT id, source_ref, line FROM rk_entries WHERE dataset_id = ? AND id IN (${placeholders(group.length)})`,
        [datasetId, ...group.map((row) => row.id)],
      );
      for (const row of read) lines.set(Number(row.id), { sourceRef: row.source_ref, line: row.line });
      for (const row of group) {
        const stored = lines.get(row.id);
        visit(row, stored?.sourceRef === row.sourceRef ? stored.line : undefined);
      }
      start = end;
    }
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
   * Brings the substring index up to date by one step, in a transaction (its rows and its
   * progress mark move together), and returns the work done (0: up to date). SQLite: adds up to
   * `limit` entry rows written since the last call to the gram index (source-ref-grams.ts).
   * PostgreSQL (whose pg_trgm index needs no help): rebuilds chunks of deleted rows and indexes
   * the ids after its progress mark up to `settled`, a chunk at most, in the ordered index
   * (source-ref-chunks.ts).
   */
  async indexSourceRefs(limit: number, settled?: number): Promise<number> {
    if (this.#chunks) return this.#chunks.catchUp(settled);
    const rows = await this.db.all<{ id: number; source_ref: string; is_labeled: number; has_errors: number }>(
      'SELECT id, source_ref, is_labeled, has_errors FROM rk_entries WHERE id > (SELECT indexed_upto FROM rk_trigram_progress WHERE id = 1) ORDER BY id LIMIT ?',
      [limit],
    );
    if (rows.length === 0) return 0;
    await this.db.runBatch(
      'INSERT INTO rk_entries_grams (rowid, grams) VALUES (?, ?)',
      rows.map((row) => [row.id, indexedText(row.source_ref, row.is_labeled === 1, row.has_errors === 1)]),
    );
    await this.db.run('UPDATE rk_trigram_progress SET indexed_upto = ?', [rows[rows.length - 1].id]);
    return rows.length;
  }

  /**
   * PostgreSQL: the id up to which every entry row is committed (no lower one can still come),
   * or undefined while entry rows are being written; outside a transaction. SQLite: undefined
   * (one writer: its catch-up needs no fence).
   */
  async settledId(): Promise<number | undefined> {
    return this.#chunks?.settledId();
  }

  /** Marks rows as superseded (replaced or removed) at `revision`. */
  async supersede(ids: readonly number[], revision: number): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const slice = ids.slice(i, i + CHUNK);
      await this.db.run(`UPDATE rk_entries SET deleted_rev = ? WHERE id IN (${placeholders(slice.length)})`, [revision, ...slice]);
    }
  }

  /**
   * One bounded step of undoing what an uncommitted `revision` wrote (the retry or give-up path
   * of a job that crashed, failed or was cancelled between chunks): deletes up to DISCARD_STEP
   * rows created at it, and once none are left, restores up to DISCARD_STEP rows it superseded
   * (in that order: a restored row and the row that replaced it would both be live). True once
   * nothing is left; each step is meant to be its own transaction (RevisionWriter), so a large
   * import is undone in short ones. Idempotent. Rows created at the dataset's newest revision have
   * its highest ids (one writer per dataset at a time), so they are found from the end of the
   * listing-order index without an index of their own; superseded ones by rk_entries_superseded.
   */
  async discardStep(datasetId: number, revision: number): Promise<boolean> {
    const rows = await this.db.all<{ id: number; labels: string; created_rev: number }>(
      `SELECT id, labels, created_rev FROM rk_entries WHERE dataset_id = ? ORDER BY id DESC LIMIT ${DISCARD_STEP}`,
      [datasetId],
    );
    const created = rows.filter((row) => Number(row.created_rev) === revision);
    await this.#deleteRows(datasetId, created);
    if (created.length === DISCARD_STEP) return false;
    const restored = await this.db.run(
      `UPDATE rk_entries SET deleted_rev = NULL WHERE id IN
         (SELECT id FROM rk_entries WHERE dataset_id = ? AND deleted_rev = ? LIMIT ${DISCARD_STEP})`,
      [datasetId, revision],
    );
    return restored < DISCARD_STEP;
  }

  /** Whether an uncommitted `revision` left rows behind (what discardStep undoes): two index probes. */
  async writtenAt(datasetId: number, revision: number): Promise<boolean> {
    const newest = await this.db.get<{ created_rev: number }>('SELECT created_rev FROM rk_entries WHERE dataset_id = ? ORDER BY id DESC LIMIT 1', [datasetId]);
    if (newest && Number(newest.created_rev) === revision) return true;
    return (await this.db.get('SELECT 1 AS one FROM rk_entries WHERE dataset_id = ? AND deleted_rev = ? LIMIT 1', [datasetId, revision])) !== undefined;
  }

  /**
   * One page of entries visible at `revision`, in entry-row order after `afterId`, matching
   * every filter: ListDatasetEntries' read path (rk-entry-listing.ts), which walks one index
   * already in that order, or a substring index, whichever promises the page soonest.
   */
  async page(datasetId: number, revision: number, filter: EntryFilter, afterId: number, limit: number): Promise<{ id: number; line: string }[]> {
    return this.#listing.page(datasetId, revision, filter, afterId, limit);
  }

  /**
   * Where position `position` (0-based) of the filtered listing at `revision` starts: the id of
   * the entry just before it (0 for position 0), or, when the listing has no entry at that
   * position, its exact length. The same index walks as `page`, reading ids only, in bounded
   * steps: O(position) index entries, never the lines, and memory of one step.
   */
  async positionAt(datasetId: number, revision: number, filter: EntryFilter, position: number, step = POSITION_STEP): Promise<{ afterId: number } | { count: number }> {
    let afterId = 0;
    let passed = 0;
    while (passed < position) {
      const want = Math.min(step, position - passed);
      const ids = await this.#listing.ids(datasetId, revision, filter, afterId, want);
      passed += ids.length;
      if (ids.length < want) return { count: passed };
      afterId = ids[ids.length - 1];
    }
    // Position `position` exists only if one more entry follows.
    const next = await this.#listing.ids(datasetId, revision, filter, afterId, 1);
    return next.length > 0 ? { afterId } : { count: passed };
  }

  /**
   * Entries visible at `revision` after `afterId`, with everything needed to copy them: at most
   * `limit`, and no more than `maxBytes` of lines past the first (byte-pages.ts), so a page may
   * hold fewer rows than `limit` with more to come; the walk ends at an empty page.
   */
  async scan(datasetId: number, revision: number, afterId: number, limit: number, maxBytes = this.pageReadBytes): Promise<StoredEntry[]> {
    const { rows } = await readEntryPage(this.db, {
      where: `e.dataset_id = ? AND e.id > ? AND ${VISIBLE}`,
      params: [datasetId, afterId, revision, revision],
      order: ['id'],
    }, limit, maxBytes);
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

  /** Deletes row versions with their label rows (found by key from the row's labels) and substring-index postings. */
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
      if (inIndex.length > 0) await this.db.run(`DELETE FROM rk_entries_grams WHERE rowid IN (${placeholders(inIndex.length)})`, inIndex);
      await this.db.run(`DELETE FROM rk_entries WHERE id IN (${placeholders(slice.length)})`, slice);
    }
    await this.#chunks?.markDeleted(datasetId, ids);
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

/** A live row without its line; `sameLine` for findReplaced (built in one literal: a change reads a thousand at a time). */
function toLive(row: LiveDbRow): LiveEntry;
function toLive(row: LiveDbRow, sameLine: boolean): ReplacedEntry;
function toLive(row: LiveDbRow, sameLine?: boolean): LiveEntry | ReplacedEntry {
  return {
    id: Number(row.id),
    sourceRef: row.source_ref,
    labels: JSON.parse(row.labels) as [string, number][],
    isLabeled: row.is_labeled === 1,
    hasErrors: row.has_errors === 1,
    createdRev: Number(row.created_rev),
    lineBytes: Number(row.line_bytes),
    ...(sameLine === undefined ? {} : { sameLine }),
  };
}
