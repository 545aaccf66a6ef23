/** AgentCore evaluation dataset rows as the domain sees them (camelCase, epoch-ms times). */

export type AcDatasetStatus =
  | 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE'
  | 'CREATE_FAILED' | 'UPDATE_FAILED' | 'DELETE_FAILED';

export type DraftStatus = 'MODIFIED' | 'UNMODIFIED';

export interface AcDatasetRecord {
  /** Internal key (foreign key of examples and versions). */
  id: number;
  account: string;
  region: string;
  /** The wire `datasetId`: `{name}-{10 alphanumerics}`. */
  datasetId: string;
  name: string;
  arn: string;
  schemaType: string;
  description: string | null;
  kmsKeyArn: string | null;
  tags: Record<string, string> | null;
  status: AcDatasetStatus;
  draftStatus: DraftStatus;
  failureReason: string | null;
  /** The DRAFT's last committed revision (0 until the creation job commits). */
  revision: number;
  /** Examples in the DRAFT at `revision`. */
  exampleCount: number;
  /** Listing position the next new example gets. */
  nextSeq: number;
  /** The last version number handed out (numbers are never reused). */
  lastVersion: number;
  /**
   * The newest revision at which a row version garbage collection removed had been superseded (0:
   * none removed): the DRAFT read at a revision below it may miss examples (its download breaks).
   */
  collectedRev: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * Garbage collection's position in a dataset's superseded example rows, (deleted_rev, id) order:
 * rows at or before it were examined and are gone or kept by a published version.
 */
export interface GcCursor { rev: number; id: number }

/** What creating a dataset stores; the counters and revision start at zero. */
export type NewAcDataset = Pick<AcDatasetRecord,
  'account' | 'region' | 'datasetId' | 'name' | 'arn' | 'schemaType' | 'description' | 'kmsKeyArn' | 'tags' | 'status' | 'draftStatus' | 'createdAt'>;

/** A status move; `failureReason` is set only in the *_FAILED states (null clears it). */
export interface AcStatusChange {
  status: AcDatasetStatus;
  failureReason: string | null;
  updatedAt: number;
  draftStatus?: DraftStatus;
}

/** One example as written at a revision: its id, listing position and content (JSON text, without exampleId). */
export interface ExampleRow {
  exampleId: string;
  seq: number;
  content: string;
}

/** Where a live example row version sits: enough to supersede it, without its content. */
export interface LiveExample {
  id: number;
  exampleId: string;
  seq: number;
}

export interface AcVersionRecord {
  version: number;
  /** The DRAFT revision this version froze. */
  revision: number;
  exampleCount: number;
  createdAt: number;
}
