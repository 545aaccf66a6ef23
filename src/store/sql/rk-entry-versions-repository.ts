import type { StoredEntry } from '../records.js';
import { DEFAULT_PAGE_READ_BYTES } from './byte-pages.js';
import type { BytePage } from './byte-pages.js';
import { ENTRY_ROW, readEntryPage, toStored } from './rk-entries-repository.js';
import type { EntryDbRow, SupersededCursor } from './rk-entries-repository.js';
import { placeholders } from './sql-driver.js';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';

/** Source-refs per IN list. */
const CHUNK = 200;

/**
 * Reads of entry row versions across revisions (history: diffs, restores), each driven by an
 * index: the rows a later revision created by id (listing order, from the earlier revision's id
 * watermark), the rows it superseded by (deleted_rev, id), and one source-ref's version at any
 * revision by source-ref (live rows, then superseded ones).
 */
export class RkEntryVersionsRepository {
  /** `pageReadBytes`: the lines a walk's page returns at most, past its first (byte-pages.ts). */
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect, private readonly pageReadBytes = DEFAULT_PAGE_READ_BYTES) {}

  /**
   * Rows visible at `from` but no longer at `to` (from < to): superseded in (from, to], in
   * (deleted_rev, id) order after `after`, at most `limit` and `maxBytes` of lines past the
   * first (byte-pages.ts). Each source-ref appears at most once.
   */
  async supersededBetween(
    datasetId: number, from: number, to: number, after: SupersededCursor, limit: number, maxBytes = this.pageReadBytes,
  ): Promise<BytePage<StoredEntry & { deletedRev: number }>> {
    const page = await readEntryPage<EntryDbRow & { deleted_rev: number }>(this.db, {
      where: 'e.dataset_id = ? AND e.deleted_rev IS NOT NULL AND (e.deleted_rev, e.id) > (?, ?) AND e.deleted_rev <= ? AND e.created_rev <= ?',
      params: [datasetId, ...(after.rev > from ? [after.rev, after.id] : [from, Number.MAX_SAFE_INTEGER]), to, from],
      order: ['deleted_rev', 'id'],
    }, limit, maxBytes, ', e.deleted_rev');
    return { rows: page.rows.map((row) => ({ ...toStored(row), deletedRev: Number(row.deleted_rev) })), more: page.more };
  }

  /**
   * Rows visible at `to` with ids in (afterId, upToId]: with afterId the id watermark of an
   * earlier revision and upToId that of `to`, the entries `to` has that the earlier one did not;
   * at most `limit`, and `maxBytes` of lines past the first.
   */
  async createdBetween(
    datasetId: number, afterId: number, upToId: number, to: number, limit: number, maxBytes = this.pageReadBytes,
  ): Promise<BytePage<StoredEntry>> {
    const page = await readEntryPage(this.db, {
      where: 'e.dataset_id = ? AND e.id > ? AND e.id <= ? AND e.created_rev <= ? AND (e.deleted_rev IS NULL OR e.deleted_rev > ?)',
      params: [datasetId, afterId, upToId, to, to],
      order: ['id'],
    }, limit, maxBytes);
    return { rows: page.rows.map(toStored), more: page.more };
  }

  /** The version of each source-ref visible at `revision` (absent: the dataset had no such entry then). */
  async at(datasetId: number, revision: number, sourceRefs: readonly string[]): Promise<Map<string, StoredEntry>> {
    const found = new Map<string, StoredEntry>();
    for (const row of await this.#visibleAt<EntryDbRow>(ENTRY_ROW, datasetId, revision, sourceRefs)) found.set(row.source_ref, toStored(row));
    return found;
  }

  /**
   * The versions visible at `revision` of the leading rows of `rows` (a page a walk just read, in
   * its order) whose lines, with their own, fit in `maxBytes` (the first row always, so a walk
   * moves on): `fit` rows are covered. The other versions' sizes are read first (no text), so a
   * page of short lines whose other versions are 100,000 characters long reads those a budget at
   * a time, not a page of rows at once.
   */
  async pairedAt(
    datasetId: number, revision: number, rows: readonly StoredEntry[], maxBytes = this.pageReadBytes,
  ): Promise<{ fit: number; found: Map<string, StoredEntry> }> {
    const sizes = new Map<string, number>();
    for (const row of await this.#visibleAt<{ source_ref: string; bytes: number }>('source_ref, octet_length(line) AS bytes', datasetId, revision, rows.map((row) => row.sourceRef))) {
      sizes.set(row.source_ref, Number(row.bytes));
    }
    let fit = 0;
    let bytes = 0;
    for (const row of rows) {
      bytes += Buffer.byteLength(row.line) + (sizes.get(row.sourceRef) ?? 0);
      if (fit > 0 && bytes > maxBytes) break;
      fit++;
    }
    return { fit, found: await this.at(datasetId, revision, rows.slice(0, fit).map((row) => row.sourceRef)) };
  }

  /**
   * The source-refs of `sourceRefs` the dataset had at `revision`: the same probes as `at`,
   * reading keys only (a diff's created rows need to know whether each existed, not its old line).
   */
  async existingAt(datasetId: number, revision: number, sourceRefs: readonly string[]): Promise<Set<string>> {
    return new Set((await this.#visibleAt<{ source_ref: string }>('source_ref', datasetId, revision, sourceRefs)).map((row) => row.source_ref));
  }

  async #visibleAt<T>(columns: string, datasetId: number, revision: number, sourceRefs: readonly string[]): Promise<T[]> {
    const found: T[] = [];
    for (let i = 0; i < sourceRefs.length; i += CHUNK) {
      const slice = sourceRefs.slice(i, i + CHUNK);
      const list = placeholders(slice.length);
      // Two index probes per source-ref: its live row (partial unique index), its superseded
      // versions (never a walk of every row superseded after `revision`).
      const skip = this.dialect.notIndexed;
      found.push(...await this.db.all<T>(
        `SELECT ${columns} FROM rk_entries WHERE dataset_id = ? AND deleted_rev IS NULL AND source_ref IN (${list}) AND created_rev <= ?`,
        [datasetId, ...slice, revision],
      ));
      found.push(...await this.db.all<T>(
        `SELECT ${columns} FROM rk_entries
         WHERE dataset_id = ? AND ${skip}deleted_rev IS NOT NULL AND source_ref IN (${list}) AND created_rev <= ? AND ${skip}deleted_rev > ?`,
        [datasetId, ...slice, revision, revision],
      ));
    }
    return found;
  }
}
