import type { ConversionSummary, ReportPart, RevisionRecord, RevisionStatus } from '../rk-history-records.js';
import type { SqlDialect, SqlExecutor } from './sql-driver.js';
import { newestInDataset } from './entries-after.js';

interface HistoryRow {
  dataset_id: number;
  revision: number;
  operation: string;
  status: RevisionStatus;
  failure_code: string | null;
  failure_message: string | null;
  committed_at: number;
  access_key_id: string | null;
  source: string | null;
  lines_received: number;
  lines_dropped: number;
  entries_added: number;
  entries_replaced: number;
  entries_unchanged: number;
  entries_removed: number;
  entries_with_errors: number;
  entry_count: number;
  max_entry_id: number;
  report_items: number;
  report_omitted: number;
  conversion: string | null;
  collected: number;
}

const COLUMNS = `dataset_id, revision, operation, status, failure_code, failure_message, committed_at, access_key_id, source,
  lines_received, lines_dropped, entries_added, entries_replaced, entries_unchanged, entries_removed, entries_with_errors,
  entry_count, max_entry_id, report_items, report_omitted, conversion, collected`;

/** Rows deleted per statement when a dataset goes. */
const PURGE_CHUNK = 500;

/**
 * The history of Rekognition datasets: one row per published revision, and the ingest report
 * of each in parts. Rows are written once, in the transaction that publishes the revision;
 * only `collected` changes afterwards (garbage collection).
 */
export class RkHistoryRepository {
  constructor(private readonly db: SqlExecutor, private readonly dialect: SqlDialect) {}

  async record(row: Omit<RevisionRecord, 'collected'>, report: readonly ReportPart[]): Promise<void> {
    await this.db.run(
      `INSERT INTO rk_history (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      [row.datasetId, row.revision, row.operation, row.status, row.failureCode, row.failureMessage, row.committedAt, row.accessKeyId,
        row.source, row.linesReceived, row.linesDropped, row.entriesAdded, row.entriesReplaced, row.entriesUnchanged, row.entriesRemoved,
        row.entriesWithErrors, row.entryCount, row.maxEntryId, row.reportItems, row.reportOmitted,
        row.conversion && JSON.stringify(row.conversion)],
    );
    await this.db.runBatch(
      'INSERT INTO rk_ingest_reports (dataset_id, revision, part, first_item, items) VALUES (?, ?, ?, ?, ?)',
      report.map((part) => [row.datasetId, row.revision, part.part, part.firstItem, part.items]),
    );
  }

  async find(datasetId: number, revision: number): Promise<RevisionRecord | undefined> {
    const row = await this.db.get<HistoryRow>(`SELECT ${COLUMNS} FROM rk_history WHERE dataset_id = ? AND revision = ?`, [datasetId, revision]);
    return row && toRecord(row);
  }

  /**
   * The revision's row locked against garbage collection marking it collected (PostgreSQL
   * `FOR UPDATE`; SQLite writers are serialised anyway): what snapshot creation and deletion
   * take, so a snapshot is never created for rows a sweep is about to remove.
   */
  async lock(datasetId: number, revision: number): Promise<RevisionRecord | undefined> {
    const row = await this.db.get<HistoryRow>(
      `SELECT ${COLUMNS} FROM rk_history WHERE dataset_id = ? AND revision = ? ${this.dialect.forUpdate}`, [datasetId, revision],
    );
    return row && toRecord(row);
  }

  /** The entry count of each of these revisions (those in history). */
  async entryCounts(datasetId: number, revisions: readonly number[]): Promise<Map<number, number>> {
    if (revisions.length === 0) return new Map();
    const rows = await this.db.all<{ revision: number; entry_count: number }>(
      `SELECT revision, entry_count FROM rk_history WHERE dataset_id = ? AND revision IN (${revisions.map(() => '?').join(', ')})`,
      [datasetId, ...revisions],
    );
    return new Map(rows.map((row) => [Number(row.revision), Number(row.entry_count)]));
  }

  /** Revisions newest first, below `beforeRevision`. */
  async pageNewestFirst(datasetId: number, beforeRevision: number, limit: number): Promise<RevisionRecord[]> {
    const rows = await this.db.all<HistoryRow>(
      `SELECT ${COLUMNS} FROM rk_history WHERE dataset_id = ? AND revision < ? ORDER BY revision DESC LIMIT ?`,
      [datasetId, beforeRevision, limit],
    );
    return rows.map(toRecord);
  }

  /** Report parts from `fromPart` on, in order. */
  async reportParts(datasetId: number, revision: number, fromPart: number, limit: number): Promise<ReportPart[]> {
    const rows = await this.db.all<{ part: number; first_item: number; items: string }>(
      'SELECT part, first_item, items FROM rk_ingest_reports WHERE dataset_id = ? AND revision = ? AND part >= ? ORDER BY part LIMIT ?',
      [datasetId, revision, fromPart, limit],
    );
    return rows.map((row) => ({ part: Number(row.part), firstItem: Number(row.first_item), items: row.items }));
  }

  /** The newest entry row id of the dataset (the watermark a revision records when it is published). */
  async maxEntryId(datasetId: number): Promise<number> {
    const newest = newestInDataset(datasetId);
    const row = await this.db.get<{ id: number | null }>(`SELECT ${newest.sql} AS id`, newest.params);
    return Number(row?.id ?? 0);
  }

  /**
   * Garbage collection is about to remove row versions superseded at or before `horizon`: every
   * revision before it may lose entries (a snapshot keeps its own).
   */
  async markCollected(datasetId: number, horizon: number): Promise<void> {
    await this.db.run('UPDATE rk_history SET collected = 1 WHERE dataset_id = ? AND revision < ? AND collected = 0', [datasetId, horizon]);
  }

  /** Deletes a chunk of the report parts and history rows of a dataset being deleted; returns how many went (0: none left). */
  async purgeDataset(datasetId: number): Promise<number> {
    const parts = await this.db.run(
      `DELETE FROM rk_ingest_reports WHERE dataset_id = ? AND revision IN
         (SELECT revision FROM rk_ingest_reports WHERE dataset_id = ? ORDER BY revision LIMIT ${PURGE_CHUNK})`,
      [datasetId, datasetId],
    );
    const rows = await this.db.run(
      `DELETE FROM rk_history WHERE dataset_id = ? AND revision IN
         (SELECT revision FROM rk_history WHERE dataset_id = ? ORDER BY revision LIMIT ${PURGE_CHUNK})`,
      [datasetId, datasetId],
    );
    return parts + rows;
  }
}

function toRecord(row: HistoryRow): RevisionRecord {
  return {
    datasetId: Number(row.dataset_id),
    revision: Number(row.revision),
    operation: row.operation,
    status: row.status,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    committedAt: Number(row.committed_at),
    accessKeyId: row.access_key_id,
    source: row.source,
    linesReceived: Number(row.lines_received),
    linesDropped: Number(row.lines_dropped),
    entriesAdded: Number(row.entries_added),
    entriesReplaced: Number(row.entries_replaced),
    entriesUnchanged: Number(row.entries_unchanged),
    entriesRemoved: Number(row.entries_removed),
    entriesWithErrors: Number(row.entries_with_errors),
    entryCount: Number(row.entry_count),
    maxEntryId: Number(row.max_entry_id),
    reportItems: Number(row.report_items),
    reportOmitted: Number(row.report_omitted),
    conversion: row.conversion === null ? null : JSON.parse(row.conversion) as ConversionSummary,
    collected: Number(row.collected) === 1,
  };
}
