/**
 * What the Rekognition history operations answer (docs/trove-api.md): the wire contract the
 * operations' views produce and clients (TroveApiClient users, bin/trove, the console) read.
 */
export interface RevisionCountsWire {
  linesReceived: number;
  linesDropped: number;
  entriesAdded: number;
  entriesReplaced: number;
  entriesUnchanged: number;
  entriesRemoved: number;
  entriesWithErrors: number;
}

export interface RevisionWire {
  revision: number;
  operation: string;
  status: 'COMPLETE' | 'FAILED';
  failure?: { code: string; message: string };
  /** Epoch seconds. */
  committedAt: number;
  accessKeyId?: string;
  source?: string;
  counts: RevisionCountsWire;
  entryCount: number;
  report: { items: number; omitted: number };
  /** An import's (COCO, YOLO): what its conversion made and left out, counted in full; left-out items are the report's LEFT_OUT items. */
  conversion?: ConversionWire;
  snapshots?: string[];
  entriesReadable?: boolean;
}

/** An item about one line of the change: dropped, or written as an entry with errors. */
export type LineItemWire =
  | { lineNumber: number; problem: 'DROPPED'; reason: string; message: string; sourceRef?: string }
  | { lineNumber: number; problem: 'ERRORS'; sourceRef: string; errorCodes: string[] };

/** Left out by an import's conversion before there were lines: no lineNumber; listed before the lines. */
export interface LeftOutItemWire { problem: 'LEFT_OUT'; reason: string; message: string; sourceRef?: string }

export type ReportItemWire = LineItemWire | LeftOutItemWire;

export interface ConversionWire {
  /** Images (manifest lines) and boxes the conversion made. */
  images: number;
  boxes: number;
  imagesLeftOut: number;
  boxesLeftOut: number;
  /** Counts by reason code (a category left out is counted here only). */
  leftOut: Record<string, number>;
}

export interface SnapshotWire { name: string; revision: number; createdAt: number; accessKeyId?: string; entryCount?: number }

export interface BoxWire { label: string | null; left: number; top: number; width: number; height: number }

export interface ChangeWire {
  sourceRef: string;
  change: 'ADDED' | 'REMOVED' | 'CHANGED';
  before?: string;
  after?: string;
  labelsAdded: string[];
  labelsRemoved: string[];
  boxesAdded: BoxWire[];
  boxesRemoved: BoxWire[];
}

export interface PointWire { revision: number; snapshot?: string }

