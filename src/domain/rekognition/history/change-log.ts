import type { EntryRow } from '../../../store/records.js';
import type { ConversionSummary, RevisionCounts, RevisionStatus } from '../../../store/rk-history-records.js';
import type { ConversionCounts, LeftOut } from './left-out.js';
import type { Repositories } from '../../../store/store.js';
import type { IngestObserver, IngestResult } from '../ingest.js';
import type { DropReason } from '../manifest/error-codes.js';
import { IngestReport } from './ingest-report.js';

/** The operations that make revisions, as history names them. */
export type RevisionOperation = 'CreateDataset' | 'UpdateDatasetEntries' | 'DistributeDatasetEntries' | 'RestoreDatasetSnapshot';

/** What a written row did to the live entry it replaced: gave it another line, or the very line it had. */
export type Replacement = 'replaced' | 'unchanged';

/** Who made a change and from what, as the job that applies it knows. */
export interface ChangeOrigin {
  readonly operation: RevisionOperation;
  /** The access key that signed the request (absent for jobs accepted before history was kept). */
  readonly accessKeyId?: string;
  /** A manifest's s3:// URI, the source dataset's ARN, the snapshot restored. */
  readonly source?: string;
}

/**
 * The history hook of one change to one dataset: the revision writer counts what it wrote here,
 * ingest tells it which lines it dropped and which entries got errors, and the writer records
 * it all in the transaction that publishes the revision (or marks it failed). Memory: counters
 * and the report, which is bounded by MAX_REPORT_CHARS.
 */
export class ChangeLog implements IngestObserver {
  readonly #report = new IngestReport();
  readonly #counts: RevisionCounts = {
    linesReceived: 0, linesDropped: 0, entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: 0, entriesRemoved: 0, entriesWithErrors: 0,
  };

  #conversion: ConversionSummary | null = null;
  #ingest: IngestResult | undefined;

  constructor(readonly origin: ChangeOrigin) {}

  /** Something an import's conversion left out: an item of the report, before its lines. */
  leftOut(item: LeftOut): void {
    this.#report.leftOut(item);
  }

  /** What an import's conversion made and left out, in full (its items may pass the report's bound). */
  converted(stats: ConversionCounts): void {
    this.#conversion = {
      images: stats.images, boxes: stats.boxes, imagesLeftOut: stats.skippedImages, boxesLeftOut: stats.skippedBoxes, leftOut: { ...stats.leftOut },
    };
  }

  dropped(lineNumber: number, reason: DropReason, sourceRef?: string, text?: string): void {
    this.#report.dropped(lineNumber, reason, sourceRef, text);
  }

  wroteWithErrors(lineNumber: number, sourceRef: string, codes: readonly string[]): void {
    this.#report.wroteWithErrors(lineNumber, sourceRef, codes);
  }

  /**
   * The totals of the change's ingest (lines read and dropped), as far as it went: ingestLines
   * reports them once, when it ends, also when a terminal error stops it; so they are set, not
   * added to. Nothing here is counted twice by a transaction run again: PostgreSQL runs a job's
   * transaction again only when a read-only session refused it at its lease lock, before any
   * ingest or write (postgres-driver.ts #onceMoreIfReadOnly).
   */
  ingested(result: IngestResult): void {
    this.#ingest = result;
    this.#counts.linesReceived = result.lines;
    this.#counts.linesDropped = result.dropped;
  }

  /**
   * What the change's ingest read, as far as it went (undefined before it ended): for the
   * metrics, also when a terminal error stopped the ingest and its caller got no result.
   */
  get ingestResult(): IngestResult | undefined {
    return this.#ingest;
  }

  /**
   * Rows written, with what each did to the live entry of its source-ref (absent: there was none,
   * a new entry): replaced it by another line, or by the very line it had (unchanged).
   */
  wrote(rows: readonly EntryRow[], replaced: ReadonlyMap<string, Replacement>): void {
    for (const row of rows) {
      const before = replaced.get(row.sourceRef);
      if (before === undefined) this.#counts.entriesAdded++;
      else if (before === 'unchanged') this.#counts.entriesUnchanged++;
      else this.#counts.entriesReplaced++;
      if (row.hasErrors) this.#counts.entriesWithErrors++;
    }
  }

  removed(count: number): void {
    this.#counts.entriesRemoved += count;
  }

  /**
   * Records the revision in `tx`, the transaction that publishes it. A failed change applied
   * nothing: its entry counts are zero, while the lines, the entries with errors and the report
   * still say what the change held and why it failed.
   */
  async record(tx: Repositories, revision: {
    datasetId: number; revision: number; committedAt: number; entryCount: number; status: RevisionStatus; failure?: { code: string; message: string };
  }): Promise<void> {
    const failed = revision.status === 'FAILED';
    await tx.rkHistory.record({
      datasetId: revision.datasetId,
      revision: revision.revision,
      operation: this.origin.operation,
      status: revision.status,
      failureCode: revision.failure?.code ?? null,
      failureMessage: revision.failure?.message ?? null,
      committedAt: revision.committedAt,
      accessKeyId: this.origin.accessKeyId ?? null,
      source: this.origin.source ?? null,
      ...this.#counts,
      ...(failed ? { entriesAdded: 0, entriesReplaced: 0, entriesUnchanged: 0, entriesRemoved: 0 } : {}),
      entryCount: revision.entryCount,
      maxEntryId: await tx.rkHistory.maxEntryId(revision.datasetId),
      reportItems: this.#report.items,
      reportOmitted: this.#report.omitted,
      conversion: this.#conversion,
    }, this.#report.parts());
  }
}
