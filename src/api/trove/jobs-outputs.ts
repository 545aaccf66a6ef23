// ListJobs' answer on the wire (docs/trove-api.md). No imports: the web console's Jobs page and
// the typed client (src/client/jobs-client.ts) use these types in the browser.

/**
 * Job kinds RetryJob queues again (the others: send the request again): the one list of them.
 * The console offers Retry from it; RetryJob's rules are typed by it (RETRY_RULES, a compile
 * error when one is missing or extra); the job registry marks these kinds' definitions
 * `retryable`, so a failed job of them keeps its body (test/unit/jobs/retryable-kinds.test.ts).
 * `agentcore.write-examples`: an s3Source import (CreateDataset, AddDatasetExamples), read again
 * from its file; AgentCore's inline batches are another kind (publish-staged-examples), whose
 * rows go when they fail, and a job at all (in ListJobs, the trove_jobs metrics, CancelJob) only
 * while the node's runner is paused or on a `--job-concurrency 0` node: otherwise the accepting
 * request publishes them itself.
 */
export const RETRYABLE_JOB_KINDS = ['rekognition.update-entries', 'rekognition.create-dataset', 'agentcore.write-examples'] as const;
export type RetryableJobKind = (typeof RETRYABLE_JOB_KINDS)[number];
/** Retryable kinds whose action is the call that made the job, which only its payload says (requestAction, domain/jobs/control-rules.ts; ListJobs lists it): not in JOB_CONTROL_ACTIONS. */
export type RetryableByPayloadKind = 'agentcore.write-examples';

export function isRetryableJobKind(kind: string): kind is RetryableJobKind {
  return (RETRYABLE_JOB_KINDS as readonly string[]).includes(kind);
}

/**
 * Job kinds RetryJob and CancelJob act on, with the action the job's own request amounts to,
 * which the caller needs on the job's dataset(s) besides `trove:RetryJob` / `trove:CancelJob`:
 * retrying makes the change again, cancelling fails it (a restore changes entries as
 * RestoreDatasetSnapshot does). Every kind here can be cancelled; RETRYABLE_JOB_KINDS retried
 * (each has its action here, checked by the compiler, but for AgentCore batches, whose action is
 * their call's: CreateDataset, AddDatasetExamples, ...; the server reads it from the job, and
 * cancels those only while they wait). The rules built on it: domain/jobs/control-rules.ts, whose
 * answers ListJobs lists per job (requestAction, cancellable, cancelRefusal) for the console.
 */
export const JOB_CONTROL_ACTIONS: Readonly<Record<string, string>> = {
  'rekognition.update-entries': 'rekognition:UpdateDatasetEntries',
  'rekognition.create-dataset': 'rekognition:CreateDataset',
  'rekognition.distribute-entries': 'rekognition:DistributeDatasetEntries',
  'rekognition.restore-snapshot': 'rekognition:UpdateDatasetEntries',
} satisfies Record<Exclude<RetryableJobKind, RetryableByPayloadKind>, string> & Record<string, string>;

/**
 * QUEUED (no attempt counted: never started, or only cut short by store outages), RUNNING,
 * RETRYING (waiting after a failed attempt), FAILED (gave up, rejected or cancelled).
 */
export type JobStateWire = 'QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED';

/** A listed job: epoch seconds, absent members left out. */
export interface JobWire {
  readonly jobId: number;
  readonly kind: string;
  readonly state: JobStateWire;
  readonly resources: string[];
  /**
   * Attempts counted towards giving up: each one started, less those a store outage cut short
   * (interruptedAttempts). A failed job's 0 with no interrupted attempts: it was cancelled before
   * it ever started.
   */
  readonly attempts: number;
  /**
   * Attempts that started and were cut short by a store outage, handed back to the queue without
   * counting in `attempts` (absent: none). What they wrote is discarded or redone by the next one.
   */
  readonly interruptedAttempts?: number;
  readonly lastError?: string;
  readonly createdAt: number;
  /** Queued and retrying jobs: when the next attempt may start. */
  readonly nextAttemptAt?: number;
  /** Running jobs: when the attempt under way started. */
  readonly startedAt?: number;
  readonly failedAt?: number;
  /** Running jobs, operators only (`trove jobs list --local`): the node (`host/pid/runner`) holding the job. */
  readonly node?: string;
  /**
   * Open jobs: a cancel was asked for (CancelJob), by this access key (empty: by an operator). A
   * running job stops at its next step; a queued or retrying one does not run again: a runner
   * deletes what an earlier attempt wrote, then fails it (cancellingWords).
   */
  readonly cancelRequestedBy?: string;
  /**
   * Failed jobs a cancel failed (CancelJob): the state it found the job in. QUEUED: it had never
   * run (or only runs a store outage cut short); RETRYING: waiting after a failed attempt;
   * RUNNING: it stopped a run. Absent otherwise (it gave up, or was rejected; or a job with
   * attempts cancelled before Trove noted when).
   */
  readonly cancelledWhile?: JobCancelledWhile;
  /**
   * Failed jobs rejected: failed at once, not retried, because of what the change holds (e.g. too
   * many labels, a manifest it could not read); `lastError` says why. Absent otherwise (it gave
   * up after its attempts, or was cancelled; or it failed before Trove noted rejections).
   */
  readonly rejected?: true;
  /**
   * Failed jobs: whether RetryJob may queue it again (it kept its request, and it was not rejected
   * for its own lines alone). Open jobs: whether it could be, once cancelled (its kind and request).
   */
  readonly retryable?: boolean;
  /** Failed jobs RetryJob refuses: why, in a sentence (e.g. a conditional save, an uploaded file, a kind not retried). */
  readonly retryRefusal?: string;
  /**
   * The action the job's request amounts to on its resources, which RetryJob and CancelJob need
   * there besides their own `trove:` action (JOB_CONTROL_ACTIONS; an AgentCore example batch's,
   * the call that made it, e.g. `bedrock-agentcore:AddDatasetExamples`). Absent: neither acts on it.
   */
  readonly requestAction?: string;
  /**
   * Open jobs: whether CancelJob would act on it as listed (a running AgentCore job, a deletion:
   * no). A job may start running between the listing and the cancel: CancelJob then decides.
   */
  readonly cancellable?: boolean;
  /** Open jobs CancelJob refuses: why, in a sentence (its error says the same after `Job N (kind) `). */
  readonly cancelRefusal?: string;
}

/** The state a cancel found a job in: ListJobs' `cancelledWhile` (failed jobs), CancelJob's `jobState` (CANCELLING). */
export type JobCancelledWhile = Exclude<JobStateWire, 'FAILED'>;

/** "45 s", "3 min", "2 h 5 min", "3 d 4 h": a length of time to the unit a person reads it by. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * How a failed job ended, the one place it is worded (the console's Jobs page shows `label` and
 * `text` among its times, `bin/trove jobs list` the `sentence`), with how long after it was
 * queued: cancelled before it ever started, it never ran; cancelled after store outages cut its
 * runs short, while running, or while waiting to retry, it was cancelled; rejected for what its
 * change holds, it was rejected and not retried; else it gave up (its attempts used up).
 */
export function failedWords(job: JobWire): { readonly label: string; readonly text: string; readonly sentence: string } {
  const waited = duration(((job.failedAt ?? job.createdAt) - job.createdAt) * 1000);
  const cut = job.interruptedAttempts ?? 0;
  const after = (label: string, text: string) => ({ label, text, sentence: `${label} ${text}` });
  // No attempt counted: it was cancelled (the one way a job fails before its first counted
  // attempt), having never started, or after store outages cut its runs short: then it did run.
  if (job.attempts === 0 && cut === 0) {
    const text = `cancelled after ${waited} in the queue`;
    return { label: 'Never ran', text, sentence: `Never ran: ${text}` };
  }
  if (job.attempts === 0) {
    return after('Cancelled after', `${waited}; ${cut === 1 ? 'a store outage had cut its only run short' : `store outages had cut its ${cut} runs short`}`);
  }
  if (job.cancelledWhile === 'RUNNING') return after('Cancelled after', `${waited} while running`);
  if (job.cancelledWhile === 'RETRYING') return after('Cancelled after', `${waited} while waiting to retry`);
  if (job.rejected) return after('Rejected after', `${waited}, not retried`);
  return after('Gave up after', waited);
}

/** RetryJob's answer: the job, queued again under its id. */
export interface RetryJobWire {
  readonly jobId: number;
  readonly state: 'QUEUED';
  readonly resources: string[];
}

/**
 * CancelJob's answer: CANCELLED (it was queued: it never runs, and its dataset is failed already)
 * or CANCELLING, with the job's state then (`jobState`, as ListJobs lists it): RUNNING, it stops
 * at its next step, without publishing anything; QUEUED or RETRYING, a runner fails it, first deleting
 * any rows an earlier attempt left (none when the cancel only found the node stopping or another
 * node claiming the job) (cancellingWords).
 */
export interface CancelJobWire {
  readonly jobId: number;
  readonly state: 'CANCELLED' | 'CANCELLING';
  readonly resources: string[];
  /** CANCELLING: the job's state as the cancel was answered. */
  readonly jobState?: JobCancelledWhile;
}

/**
 * What becomes of a job being cancelled (CANCELLING, or listed with cancelRequestedBy), by its
 * state: a clause the console and `bin/trove jobs cancel` complete. Nothing of it is applied either way.
 */
export function cancellingWords(state: JobStateWire | undefined): string {
  return state === 'RUNNING'
    ? 'it stops at its next step, without applying anything'
    : 'it will not run again; a runner fails it, first deleting anything an earlier attempt of it wrote';
}

/** ListJobs' answer: a page of jobs, and the token of the next one. */
export interface JobsPageWire {
  jobs: JobWire[];
  nextToken?: string;
}
