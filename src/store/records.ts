/** Rows as the domain sees them: camelCase, epoch-ms timestamps, booleans as booleans. */

export interface JobRecord {
  id: number;
  kind: string;
  payloadVersion: number;
  resource: string;
  payload: string;
  body: Buffer | null;
  attempts: number;
  leaseOwner: string | null;
  createdAt: number;
}

export interface NewJob {
  kind: string;
  payloadVersion: number;
  /** What the job works on (an ARN), for logs and diagnostics. */
  resource: string;
  payload: unknown;
  /** A large binary payload kept out of the JSON (e.g. the decoded UpdateDatasetEntries blob). */
  body?: Buffer;
  runAfter: number;
  createdAt: number;
}

export type ProjectStatus = 'CREATING' | 'CREATED' | 'DELETING';

export interface ProjectRecord {
  id: number;
  account: string;
  region: string;
  name: string;
  arn: string;
  feature: string;
  autoUpdate: string | null;
  status: ProjectStatus;
  tags: Record<string, string> | null;
  createdAt: number;
}

export type RkDatasetStatus =
  | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'CREATE_FAILED'
  | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE' | 'UPDATE_FAILED'
  | 'DELETE_IN_PROGRESS';

export type StatusMessageCode = 'SUCCESS' | 'SERVICE_ERROR' | 'CLIENT_ERROR';

export interface RkDatasetStats {
  totalEntries: number;
  labeledEntries: number;
  errorEntries: number;
  totalLabels: number;
}

export interface RkDatasetRecord extends RkDatasetStats {
  id: number;
  projectId: number;
  arn: string;
  datasetType: 'TRAIN' | 'TEST';
  status: RkDatasetStatus;
  statusMessage: string;
  statusMessageCode: StatusMessageCode;
  tags: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
  /** The last committed revision. */
  revision: number;
}

/** One image's entry as written at a revision. */
export interface EntryRow {
  sourceRef: string;
  line: string;
  /** Label name → number of valid boxes on this image carrying it (0 for image-level labels). */
  labels: ReadonlyArray<readonly [string, number]>;
  isLabeled: boolean;
  hasErrors: boolean;
}

/** A live entry row version, as read back for replacement, copy or distribution. */
export interface StoredEntry extends EntryRow {
  id: number;
}

export interface EntryFilter {
  containsLabels?: readonly string[];
  labeled?: boolean;
  hasErrors?: boolean;
  sourceRefContains?: string;
}

export interface LabelStatsRow {
  label: string;
  entryCount: number;
  boundingBoxCount: number;
}
