import type { Logger } from 'pino';
import { cancelWords } from '../domain/jobs/cancel-note.js';
import type { Clock } from '../lib/clock.js';
import type { JobRecord } from '../store/records.js';
import type { WriteOptions } from '../store/sql/sql-driver.js';
import type { Repositories, Store } from '../store/store.js';

/**
 * One kind of durable background work. `kind` and `payloadVersion` are stored with every job,
 * so they never change meaning: a new payload layout gets a new version.
 */
export interface JobDefinition<P = unknown> {
  readonly kind: string;
  readonly payloadVersion: number;
  /**
   * A failed job of this kind may run again from its stored request (RetryJob), so it keeps its
   * body (job_bodies) while it is listed as failed; other kinds' bodies go when they fail. Set by
   * the registry (jobs/registry.ts) from RETRYABLE_JOB_KINDS, not by each definition.
   */
  readonly retryable?: boolean;
  /**
   * Why a failed job of a retryable kind cannot run again from this payload, whatever made it
   * fail (noted with the failure: ListJobs then says `retryable: false`, and its body is not kept).
   */
  retryRefusal?(payload: P): string | undefined;
  /**
   * Applies the job. Must end with `ctx.finish(...)`, whose transaction both commits the last
   * effect and removes the job, so a crash at any point before it leads to a clean retry.
   * A retry must first undo any partial effect of an earlier attempt (revisions make that cheap).
   */
  run(payload: P, ctx: JobContext): Promise<void>;
  /**
   * Called in place of `run` when attempts are exhausted: must record the failure on the
   * resource (e.g. UPDATE_FAILED with SERVICE_ERROR) inside `ctx.finish`.
   */
  giveUp(payload: P, ctx: JobContext, error: unknown): Promise<void>;
}

export interface JobContext {
  readonly job: JobRecord;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Runs `fn` in a transaction that first checks this runner still holds the job's lease. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, and removes the job in the same commit: the job's last step. With
   * `{ durability: 'deferred' }` the commit need not reach the disk before it returns: only for a
   * finish whose whole effect is redone from durable state when the job runs again, since a power
   * failure may lose it (and the job row's deletion with it, so the job does run again).
   */
  finish<T>(fn: (tx: Repositories) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Like `finish`, for a job whose resource ends failed (a rejected change): the job is kept as
   * FAILED, with its payload, for `failure.error`; RetryJob may queue it again unless
   * `failure.retryRefusal` says why it would fail the same way.
   */
  fail<T>(fn: (tx: Repositories) => Promise<T>, failure: { error: string; retryRefusal?: string }): Promise<T>;
  /**
   * This attempt runs in a client's request: CancelJob failing a queued job at once
   * (JobRunner.cancelNow). Its give-up must stay a short status write: one with long work to do
   * (deleting the many rows an earlier attempt wrote) throws `LeftToRunner` instead.
   */
  readonly inRequest: boolean;
}

/**
 * Thrown by a give-up run in a request (JobContext.inRequest) that has long work to do: the job
 * goes back to the queue, its cancel still asked for, and a runner gives it up there, deleting in
 * bounded transactions; until then its resource stays as the open job leaves it (in progress).
 */
export class LeftToRunner extends Error {
  constructor() {
    super('the give-up is left to the runner');
  }
}

/**
 * Thrown inside a job transaction once a cancel was asked for (CancelJob): the attempt ends
 * without committing, and the runner fails the job as if it had given up (`giveUp` with this
 * error, whose definitions say it was cancelled, and by whom).
 */
export class JobCancelled extends Error {
  constructor(readonly by: string) {
    super(cancelWords(by));
  }
}

/** Thrown inside a job transaction when another runner has taken the job over. */
export class LeaseLostError extends Error {
  constructor(jobId: number) {
    super(`job ${jobId}: lease lost to another runner`);
  }
}
