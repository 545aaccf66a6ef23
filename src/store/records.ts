/** Rows as the domain sees them: camelCase, epoch-ms timestamps, booleans as booleans. */

import type { JobsRepository } from './sql/jobs-repository.js';
import type { ByteCaps } from './sql/byte-caps.js';

export interface JobRecord {
  id: number;
  kind: string;
  payloadVersion: number;
  resource: string;
  payload: string;
  /** The job's bytes beside its JSON payload (an UpdateDatasetEntries change), read on demand. */
  body: JobBody | null;
  attempts: number;
  leaseOwner: string | null;
  createdAt: number;
  /** A cancel was asked for (CancelJob), by this access key ('' when unknown): the job is failed instead of run. */
  cancelRequestedBy: string | null;
}

/**
 * A job's stored bytes, in pieces: a job reads them when it needs them, a piece at a time, so a
 * 5 MB change is never loaded whole (each piece is young garbage by the time the next is read).
 */
export interface JobBody {
  /** Total size in bytes. */
  readonly bytes: number;
  /**
   * The pieces in order, each read from the store as it is reached; through `via` (a
   * transaction's jobs repository) when read inside a transaction, so that the transaction needs
   * no second connection (PostgreSQL: a pool no larger than the jobs running at once would wait
   * for one that never comes free).
   */
  pieces(via?: JobsRepository): AsyncIterable<Buffer>;
  /** The whole body in one buffer (for small bodies, e.g. an AgentCore batch). */
  read(): Promise<Buffer>;
}

/** A job as `trove jobs list` shows it: waiting for its first attempt, running, waiting to retry, or given up. */
export type JobState = 'QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED';

/**
 * How a failed job is noted (failed_jobs, with its payload, so it can be retried): when, after
 * how many attempts that ran, why (else the last attempt's error), and why a retry would fail the
 * same way, if it would.
 */
export interface FailedJobNote {
  at: number;
  attempts: number;
  error?: string;
  retryRefusal?: string;
  /** It was rejected (JobContext.fail: failed at once for what its change holds), not given up nor cancelled. */
  rejected?: boolean;
  /** Its body is kept for RetryJob (a retryable kind, whose retry is not refused). */
  keepBody?: boolean;
  /** The account of the job's resource: its kept bytes count against that account's cap. */
  account?: string;
  /**
   * Caps on the bytes failed jobs keep (none: uncapped), and the refusal noted on a job whose
   * request is let go to stay under them (the oldest kept go first).
   */
  keep?: { caps: ByteCaps; letGo: string };
}

/** A failed job as RetryJob reads it: what it takes to queue it again. */
export interface FailedJob {
  id: number;
  kind: string;
  resource: string;
  /** Null for jobs that failed before failed jobs kept their payload. */
  payloadVersion: number | null;
  payload: string | null;
  retryRefusal: string | null;
}

/** An open job as CancelJob reads it. */
export interface OpenJob {
  id: number;
  kind: string;
  resource: string;
  /** As stored (JSON): which call an AgentCore example batch applies decides the action CancelJob needs. */
  payload: string;
  state: Exclude<JobState, 'FAILED'>;
  cancelRequestedBy: string | null;
}

/** Jobs of one kind in one state (metrics). */
export interface JobTally {
  kind: string;
  state: JobState;
  count: number;
  oldestCreatedAt: number;
}

/** One job as listed; `cursor` orders the listing within its table (jobs or failed_jobs). */
export interface ListedJob {
  cursor: number;
  id: number;
  kind: string;
  state: JobState;
  /** The ARN(s) the job works on, space-separated (DistributeDatasetEntries names two datasets). */
  resource: string;
  /** Attempts counted: each one started (the one under way, one a crash or a cancel cut short), less those handed back uncounted. */
  attempts: number;
  /** Attempts that started and were cut short by a store outage, handed back without counting in `attempts`. */
  interruptedAttempts: number;
  lastError: string | null;
  /** Failed jobs: it was rejected (failed at once for what its change holds, not retried). */
  rejected?: boolean;
  createdAt: number;
  /** Queued and retrying jobs: when the next attempt may start; running jobs: when the attempt started. */
  runAfter: number | null;
  /** The node running it: `host/pid/runner` (running jobs). */
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  failedAt: number | null;
  /** Open jobs: a cancel was asked for, by this access key (it stops at its next transaction). */
  cancelRequestedBy: string | null;
  /**
   * Its request as stored (JSON, a few hundred bytes: a change's lines are in its body), which
   * says the action RetryJob and CancelJob need (an AgentCore batch's call) and whether a
   * retry would be refused; null for a failed job that did not keep it.
   */
  payload: string | null;
  /** Failed jobs: why a retry was refused when it failed (a sentence), if it was. */
  retryRefusal?: string | null;
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

/**
 * A live entry row as a change reads it before replacing or judging it: everything but its line,
 * with the line's size in bytes (UTF-8, the databases' encoding) instead.
 */
export interface LiveEntry extends Omit<StoredEntry, 'line'> {
  /** The revision that wrote the row. */
  readonly createdRev: number;
  readonly lineBytes: number;
}

/** A live entry row a change replaces (RkEntriesRepository.findReplaced). */
export interface ReplacedEntry extends LiveEntry {
  /** Its stored line is exactly the change's new line for it. */
  readonly sameLine: boolean;
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
