import type { StoredEntry } from '../records.js';
import { toStored } from './rk-entries-repository.js';
import type { EntryDbRow, SupersededCursor } from './rk-entries-repository.js';
import { placeholders } from './sql-driver.js';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';

const ENTRY = 'id, source_ref, line, labels, is_labeled, has_errors';
/** Source-refs per IN list. */
const CHUNK = 200;

/**
 * Reads of entry row versions across revisions (history: diffs, restores), each driven by an
 * index: the rows a later revision created by id (listing order, from the earlier revision's id
 * watermark), the rows it superseded by (deleted_rev, id), and one source-ref's version at any
 * revision by source-ref (live rows, then superseded ones).
 */
export class RkEntryVersionsRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  /**
   * Rows visible at `from` but no longer at `to` (from < to): superseded in (from, to], in
   * (deleted_rev, id) order after `after`. Each source-ref appears at most once.
   */
  async supersededBetween(datasetId: number, from: number, to: number, after: SupersededCursor, limit: number): Promise<(StoredEntry & { deletedRev: number })[]> {
    const rows = await this.db.all<EntryDbRow & { deleted_rev: number }>(
      `SELECT ${ENTRY}, deleted_rev FROM rk_entries
       WHERE dataset_id = ? AND deleted_rev IS NOT NULL AND (deleted_rev, id) > (?, ?) AND deleted_rev <= ? AND created_rev <= ?
       ORDER BY deleted_rev, id LIMIT ?`,
      [datasetId, ...(after.rev > from ? [after.rev, after.id] : [from, Number.MAX_SAFE_INTEGER]), to, from, limit],
    );
    return rows.map((row) => ({ ...toStored(row), deletedRev: Number(row.deleted_rev) }));
  }

  /**
   * Rows visible at `to` with ids in (afterId, upToId]: with afterId the id watermark of an
   * earlier revision and upToId that of `to`, the entries `to` has that the earlier one did not.
   */
  async createdBetween(datasetId: number, afterId: number, upToId: number, to: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.db.all<EntryDbRow>(
      `SELECT ${ENTRY} FROM rk_entries
       WHERE dataset_id = ? AND id > ? AND id <= ? AND created_rev <= ? AND (deleted_rev IS NULL OR deleted_rev > ?)
       ORDER BY id LIMIT ?`,
      [datasetId, afterId, upToId, to, to, limit],
    );
    return rows.map(toStored);
  }

  /** The version of each source-ref visible at `revision` (absent: the dataset had no such entry then). */
  async at(datasetId: number, revision: number, sourceRefs: readonly string[]): Promise<Map<string, StoredEntry>> {
    const found = new Map<string, StoredEntry>();
    for (let i = 0; i < sourceRefs.length; i += CHUNK) {
      const slice = sourceRefs.slice(i, i + CHUNK);
      const list = placeholders(slice.length);
      // Two index probes per source-ref: its live row (partial unique index), its superseded
      // versions (never a walk of every row superseded after `revision`).
      const skip = this.dialect.notIndexed;
      const live = await this.db.all<EntryDbRow>(
        `SELECT ${ENTRY} FROM rk_entries WHERE dataset_id = ? AND deleted_rev IS NULL AND source_ref IN (${list}) AND created_rev <= ?`,
        [datasetId, ...slice, revision],
      );
      const superseded = await this.db.all<EntryDbRow>(
        `SELECT ${ENTRY} FROM rk_entries
         WHERE dataset_id = ? AND ${skip}deleted_rev IS NOT NULL AND source_ref IN (${list}) AND created_rev <= ? AND ${skip}deleted_rev > ?`,
        [datasetId, ...slice, revision, revision],
      );
      for (const row of [...live, ...superseded]) found.set(row.source_ref, toStored(row));
    }
    return found;
  }
}
