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
  snapshots?: string[];
  entriesReadable?: boolean;
}

export type ReportItemWire =
  | { lineNumber: number; problem: 'DROPPED'; reason: string; message: string; sourceRef?: string }
  | { lineNumber: number; problem: 'ERRORS'; sourceRef: string; errorCodes: string[] };

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

