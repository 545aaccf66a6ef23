// ListJobs' answer on the wire (docs/trove-api.md). No imports: the web console's Jobs page and
// the typed client (src/client/jobs-client.ts) use these types in the browser.

/**
 * Job kinds RetryJob queues again (the others: send the request again): the one list of them.
 * The console offers Retry from it; RetryJob's rules are typed by it (RETRY_RULES, a compile
 * error when one is missing or extra); the job registry marks these kinds' definitions
 * `retryable`, so a failed job of them keeps its body (test/unit/jobs/retryable-kinds.test.ts).
 */
export const RETRYABLE_JOB_KINDS = ['rekognition.update-entries', 'rekognition.create-dataset'] as const;
export type RetryableJobKind = (typeof RETRYABLE_JOB_KINDS)[number];

export function isRetryableJobKind(kind: string): kind is RetryableJobKind {
  return (RETRYABLE_JOB_KINDS as readonly string[]).includes(kind);
}

/**
 * Job kinds RetryJob and CancelJob act on, with the action the job's own request amounts to,
 * which the caller needs on the job's dataset(s) besides `trove:RetryJob` / `trove:CancelJob`:
 * retrying makes the change again, cancelling fails it (a restore changes entries as
 * RestoreDatasetSnapshot does). Every kind here can be cancelled; RETRYABLE_JOB_KINDS retried
 * (each has its action here: checked by the compiler).
 */
export const JOB_CONTROL_ACTIONS: Readonly<Record<string, string>> = {
  'rekognition.update-entries': 'rekognition:UpdateDatasetEntries',
  'rekognition.create-dataset': 'rekognition:CreateDataset',
  'rekognition.distribute-entries': 'rekognition:DistributeDatasetEntries',
  'rekognition.restore-snapshot': 'rekognition:UpdateDatasetEntries',
} satisfies Record<RetryableJobKind, string> & Record<string, string>;

/** QUEUED (never tried), RUNNING, RETRYING (waiting after a failed attempt), FAILED (gave up). */
export type JobStateWire = 'QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED';

/** A listed job: epoch seconds, absent members left out. */
export interface JobWire {
  readonly jobId: number;
  readonly kind: string;
  readonly state: JobStateWire;
  readonly resources: string[];
  /** Attempts that ran (a failed job's 0: it was cancelled before its first attempt). */
  readonly attempts: number;
  readonly lastError?: string;
  readonly createdAt: number;
  /** Queued and retrying jobs: when the next attempt may start. */
  readonly nextAttemptAt?: number;
  /** Running jobs: when the attempt under way started. */
  readonly startedAt?: number;
  readonly failedAt?: number;
  /** Running jobs, operators only (`trove jobs list --local`): the node (`host/pid/runner`) holding the job. */
  readonly node?: string;
  /** Open jobs: a cancel was asked for (CancelJob), by this access key (empty: by an operator); the job stops at its next step. */
  readonly cancelRequestedBy?: string;
  /** Failed jobs: whether RetryJob may queue it again (it kept its request, and it was not rejected for its own lines alone). */
  readonly retryable?: boolean;
  /** Failed jobs RetryJob refuses: why, in a sentence (e.g. a conditional save, an uploaded file, a kind not retried). */
  readonly retryRefusal?: string;
}

/** RetryJob's answer: the job, queued again under its id. */
export interface RetryJobWire {
  readonly jobId: number;
  readonly state: 'QUEUED';
  readonly resources: string[];
}

/**
 * CancelJob's answer: CANCELLED (it was queued: it never runs, and its dataset is failed already)
 * or CANCELLING (it is running: it stops at its next step, without publishing anything).
 */
export interface CancelJobWire {
  readonly jobId: number;
  readonly state: 'CANCELLED' | 'CANCELLING';
  readonly resources: string[];
}

/** ListJobs' answer: a page of jobs, and the token of the next one. */
export interface JobsPageWire {
  jobs: JobWire[];
  nextToken?: string;
}
