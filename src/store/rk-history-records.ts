/** Rows of Rekognition dataset history as the domain sees them (camelCase, epoch-ms times). */

/** What a revision did, in the user's words (ListDatasetRevisions). */
export interface RevisionCounts {
  /** Non-blank lines the change carried (0 for copies, distributions and restores). */
  linesReceived: number;
  /** Lines dropped for terminal content errors (bad JSON, bad, missing or repeated source-ref, too long). */
  linesDropped: number;
  /** Entries whose source-ref the dataset did not have. */
  entriesAdded: number;
  /** Entries written over one with a different stored line. */
  entriesReplaced: number;
  /** Entries written over one with exactly the same stored line. */
  entriesUnchanged: number;
  /** Entries taken out (DistributeDatasetEntries moves them to TEST; a restore removes what the snapshot lacks). */
  entriesRemoved: number;
  /** Entries written with at least one error (cl-errors). */
  entriesWithErrors: number;
}

export type RevisionStatus = 'COMPLETE' | 'FAILED';

export interface RevisionRecord extends RevisionCounts {
  datasetId: number;
  revision: number;
  operation: string;
  status: RevisionStatus;
  failureCode: string | null;
  failureMessage: string | null;
  committedAt: number;
  accessKeyId: string | null;
  source: string | null;
  /** Entries the dataset has at this revision. */
  entryCount: number;
  /** Every entry row created at or before this revision has an id up to this. */
  maxEntryId: number;
  /** Items in the ingest report, and items left out once the report reached its size limit. */
  reportItems: number;
  reportOmitted: number;
  /** What an import's conversion made and left out (absent for every other change). */
  conversion: ConversionSummary | null;
  /** Garbage collection may have removed row versions of this revision (unless a snapshot keeps it). */
  collected: boolean;
}

/**
 * What a COCO or YOLO conversion made and left out, counted in full: the ingest report lists the
 * left-out items themselves (within its bound). `leftOut`: counts by reason
 * (domain/rekognition/history/left-out.ts LEFT_OUT_REASONS).
 */
export interface ConversionSummary {
  images: number;
  boxes: number;
  imagesLeftOut: number;
  boxesLeftOut: number;
  leftOut: Record<string, number>;
}

export interface ReportPart {
  part: number;
  /** Index (0-based) of the part's first item in the whole report. */
  firstItem: number;
  /** JSON array of compact items (domain/rekognition/history/ingest-report.ts). */
  items: string;
}

export interface SnapshotRecord {
  datasetId: number;
  name: string;
  revision: number;
  createdAt: number;
  accessKeyId: string | null;
}
