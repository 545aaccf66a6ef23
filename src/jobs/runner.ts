import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { JobCancelledWhile } from '../api/trove/jobs-outputs.js';
import { cancelNote } from '../domain/jobs/cancel-note.js';
import { REQUEST_LET_GO } from '../domain/jobs/retry-refusal.js';
import { accountOf } from '../domain/rekognition/arns.js';
import type { Clock } from '../lib/clock.js';
import type { FailedJobNote, JobRecord } from '../store/records.js';
import { StoreUnavailableError } from '../store/store-unavailable-error.js';
import type { WriteOptions } from '../store/sql/sql-driver.js';
import type { Repositories, Store } from '../store/store.js';
import { EndedBodies } from './ended-bodies.js';
import { HeldBodies } from './held-bodies.js';
import type { AcceptedBody } from './held-bodies.js';
import { JobCancelled, LeaseLostError, LeftToRunner } from './job.js';
import type { JobContext, JobDefinition } from './job.js';

export interface JobRunnerConfig {
  /** Jobs run at once by this process. */
  readonly concurrency: number;
  /** How long a claimed job stays ours without a heartbeat. */
  readonly leaseMs: number;
  /** How often to look for work when nothing woke us. */
  readonly pollMs: number;
  /** Attempts before a job gives up. */
  readonly maxAttempts: number;
  /**
   * Longest wait between retries: of a failed job (200 ms doubling per attempt), and of the
   * runner itself while the store is unavailable (pollMs doubling per failure).
   */
  readonly backoffMaxMs: number;
  /**
   * Caps on the bytes failed jobs keep for RetryJob, per account and for the whole store
   * (`--failed-jobs-max-kept-bytes[-per-account]`); past one, the oldest kept requests are let go.
   * Unset: uncapped.
   */
  readonly maxKeptFailedBytesPerAccount?: number;
  readonly maxKeptFailedBytes?: number;
}

/** How one attempt of a job ended. */
export type JobAttemptOutcome = 'finished' | 'failed' | 'gave_up' | 'cancelled' | 'interrupted' | 'lease_lost' | 'left_to_runner';

/** Hears about every attempt this runner makes (the metrics); never throws. */
export interface JobObserver {
  started(job: JobRecord, now: number): void;
  ended(job: JobRecord, outcome: JobAttemptOutcome, ms: number): void;
}

const UNOBSERVED: JobObserver = { started: () => undefined, ended: () => undefined };

/**
 * Claims durable jobs from the store and runs them. Any runner may run any job; leases with
 * heartbeats hand a dead runner's job to another after `leaseMs`.
 */
export class JobRunner {
  /** Lease owner: host and pid say which node holds a job (the jobs table, logs), the suffix which runner. */
  readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly #definitions: ReadonlyMap<string, JobDefinition>;
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #paused = false;
  /** The claiming pass under way, if any: stop() waits for it, since a claim it ends may start a job. */
  #draining: Promise<void> | undefined;
  #outage = false;
  /**
   * Store failures in a row (claims and job attempts cut short): the runner waits
   * pollMs × 2^(n-1), capped, before it tries again, so a full disk or a lost database costs a
   * few statements a minute instead of a hot loop. Reset when a job finishes or one is enqueued.
   */
  #storeFailures = 0;
  #idleWaiters: (() => void)[] = [];
  /** Ends the waits of jobs being handed back when the runner stops. */
  #stopping = new AbortController();
  /** Payloads of jobs this process just accepted, read from memory when this runner claims them. */
  readonly #held = new HeldBodies();
  /** Body pieces of jobs that finished here, removed after their finish commits (EndedBodies). */
  readonly #ended: EndedBodies;
  /** The caps on failed jobs' kept bytes, as JobsRepository.finish takes them (undefined: uncapped). */
  get #keepCaps(): FailedJobNote['keep'] {
    const { maxKeptFailedBytesPerAccount: perAccount, maxKeptFailedBytes: total } = this.config;
    if (perAccount === undefined && total === undefined) return undefined;
    return { caps: { perAccount: perAccount ?? Infinity, total: total ?? Infinity }, letGo: REQUEST_LET_GO };
  }

  constructor(
    private readonly store: Store,
    definitions: readonly JobDefinition<never>[],
    private readonly config: JobRunnerConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly observer: JobObserver = UNOBSERVED,
  ) {
    this.#definitions = new Map(definitions.map((definition) => [definition.kind, definition as JobDefinition]));
    this.#ended = new EndedBodies(store, logger);
  }

  start(): void {
    this.#stopped = false;
    this.#stopping = new AbortController();
    this.#refill();
  }

  /**
   * Looks for work now (called after a job is enqueued in this process). A job was just
   * committed, so the store writes again: any outage backoff ends here. `accepted`: the job's
   * payload, still in memory, which the job then reads instead of the store's copy (HeldBodies).
   */
  wake(accepted?: AcceptedBody): void {
    if (accepted) this.#held.hold(accepted);
    this.#storeFailures = 0;
    this.#refill();
  }

  /**
   * CancelJob asked the queued (or retrying) job `jobId` to stop: fail it now, in the caller's
   * path, as its definition gives up (the dataset ends failed, saying it was cancelled), without
   * running it. Whatever the runner's concurrency or pause: it is a short status write. A give-up
   * with long work (rows an earlier attempt wrote: LeftToRunner) is handed back to the queue
   * instead, for a runner to do in bounded transactions. Resolves once that attempt ended: true
   * when the job was failed; false when it was handed back, was not pending (a runner has it: it
   * sees the cancel at its next transaction), or this runner is stopped.
   */
  async cancelNow(jobId: number): Promise<boolean> {
    if (this.#stopped) return false;
    const job = await this.store.jobs.claimById(jobId, this.owner, this.clock.now(), this.config.leaseMs);
    if (!job) return false;
    let outcome: JobAttemptOutcome | undefined;
    const run = this.#execute(job, undefined, true, (ended) => (outcome = ended)).finally(() => {
      this.#running.delete(run);
      this.#notifyIdle();
    });
    this.#running.add(run);
    await run;
    return outcome === 'cancelled';
  }

  #refill(): void {
    if (this.#stopped || this.#paused) return;
    setImmediate(() => void this.#fill());
  }

  /** How long to wait after the latest store failure before touching the store again. */
  #storeBackoff(): number {
    return Math.min(this.config.backoffMaxMs, this.config.pollMs * 2 ** Math.max(0, this.#storeFailures - 1));
  }

  /**
   * Whether this node runs jobs now: started, not paused, and allowed any (`--job-concurrency`
   * above 0). AgentCore publishes an inline batch in the request that accepts it only then.
   */
  get takesWork(): boolean {
    return !this.#stopped && !this.#paused && this.config.concurrency > 0;
  }

  /** Test hook: stop claiming new jobs until `resume()`, so in-progress statuses can be observed. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#refill();
  }

  /** Resolves once no job is running and none is claimable right now. */
  async idle(): Promise<void> {
    if (this.#running.size === 0 && (await this.store.jobs.countOpen()) === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    return this.idle();
  }

  /** Stops claiming, waits for running jobs to finish; unfinished work stays durable in the store. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    clearTimeout(this.#timer);
    // A claim in flight still takes its job (its lease, an attempt): that job runs to its end here
    // rather than wait out the lease on a store that has been closed under it.
    await this.#draining;
    await Promise.allSettled([...this.#running]);
    // Before the store closes: what is left to remove goes now rather than to the next sweep.
    await this.#ended.stop();
  }

  #fill(): Promise<void> {
    this.#draining ??= this.#claimAndStart().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #claimAndStart(): Promise<void> {
    try {
      while (!this.#stopped && !this.#paused && this.#running.size < this.config.concurrency) {
        const claimed = await this.store.jobs.claim(this.owner, this.clock.now(), this.config.leaseMs);
        if (!claimed) break;
        const held = claimed.body && this.#held.take(claimed.id, claimed.body.bytes);
        const job = held ? { ...claimed, body: held } : claimed;
        const run = this.#execute(job).finally(() => {
          // The job has run on the held bytes (a retry reads the store's copy): free them now.
          held?.release();
          this.#running.delete(run);
          this.#refill();
          this.#notifyIdle();
        });
        this.#running.add(run);
      }
      if (this.#outage) this.logger.info('database reachable again; claiming jobs');
      this.#outage = false;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) this.logger.error({ err: error }, 'job claim failed');
      else if (!this.#outage) this.logger.warn({ err: error.message }, 'database unavailable; the job runner backs off and keeps polling');
      this.#outage = error instanceof StoreUnavailableError;
      if (this.#outage) this.#storeFailures++;
    }
    this.#notifyIdle();
    if (!this.#stopped) {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.#fill(), this.#outage ? this.#storeBackoff() : this.config.pollMs);
      this.#timer.unref();
    }
  }

  #notifyIdle(): void {
    if (this.#running.size > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Runs one attempt of `job`; `attemptEnded` hears when the attempt's outcome is known, before any
   * hand-back or reschedule, and `heard` what it was. `inRequest`: in a client's request (cancelNow).
   */
  async #execute(job: JobRecord, attemptEnded?: () => void, inRequest = false, heard?: (outcome: JobAttemptOutcome) => void): Promise<void> {
    const definition = this.#definitions.get(job.kind);
    const logger = this.logger.child({ jobId: job.id, jobKind: job.kind, resource: job.resource, attempt: job.attempts });
    const heartbeat = setInterval(() => {
      void this.store.jobs.heartbeat(job.id, this.owner, this.clock.now() + this.config.leaseMs).catch(() => undefined);
    }, Math.max(50, Math.floor(this.config.leaseMs / 3)));
    heartbeat.unref();
    const givingUp = job.attempts > this.config.maxAttempts;
    // A job that gives up is kept, with its payload, as a failed job (failed_jobs) for operators and RetryJob.
    const ctx = this.#context(job, definition, logger, givingUp ? { attempts: job.attempts - 1 } : undefined, inRequest);
    const started = this.clock.now();
    this.observer.started(job, started);
    const ended = (result: JobAttemptOutcome) => {
      this.observer.ended(job, result, this.clock.now() - started);
      heard?.(result);
      attemptEnded?.();
    };
    // Whether this attempt ran the job (not only its give-up, nor a cancel's): a cancel that stops it
    // then counts it among the attempts (ListJobs' `attempts`; 0 and no interrupted attempts: the
    // job never ran, the console says so), and a store outage that cuts it short counts it among
    // the interrupted ones (`interruptedAttempts`).
    let ran = false;
    try {
      if (!definition || definition.payloadVersion !== job.payloadVersion) {
        throw new Error(`no definition for job kind ${job.kind} v${job.payloadVersion}`);
      }
      const payload = JSON.parse(job.payload) as never;
      let outcome: JobAttemptOutcome = givingUp ? 'gave_up' : 'finished';
      try {
        if (job.cancelRequestedBy !== null) throw new JobCancelled(job.cancelRequestedBy);
        ran = !givingUp;
        if (givingUp) {
          await definition.giveUp(payload, ctx, new Error(`gave up after ${job.attempts - 1} attempts`));
        } else {
          await definition.run(payload, ctx);
        }
      } catch (error) {
        if (!(error instanceof JobCancelled)) throw error;
        // Asked to stop (before this attempt, or seen by one of its transactions, none of which
        // committed since): nothing of it is published; the job fails as when it gives up.
        logger.info({ by: error.by }, 'job cancelled');
        outcome = 'cancelled';
        // Its note says when the cancel came (ListJobs' cancelledWhile): the console and bin/trove
        // word a cancel that stopped a run apart from a give-up and from one that never ran.
        const attempts = ran ? job.attempts : job.attempts - 1;
        const found = ran ? 'RUNNING' : attempts > 0 ? 'RETRYING' : 'QUEUED';
        await definition.giveUp(payload, this.#context(job, definition, logger, { attempts, cancelled: { by: error.by, found } }, inRequest), error);
      }
      logger.info({ ms: this.clock.now() - started, outcome }, 'job finished');
      this.#storeFailures = 0;
      ended(outcome);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logger.warn('job lease lost; another runner owns it now');
        ended('lease_lost');
        return;
      }
      if (error instanceof LeftToRunner) {
        // Not this attempt's to do (a cancel's long give-up): back to the queue, due now, its
        // cancel still asked for, without counting the attempt; a runner gives it up.
        logger.info('job cancelled; its give-up is left to a runner');
        ended('left_to_runner');
        await this.store.jobs.release(job.id, this.owner, this.clock.now()).catch((e: unknown) => {
          logger.error({ err: e }, 'could not hand the cancelled job back; its lease will expire');
        });
        this.#refill();
        return;
      }
      if (error instanceof StoreUnavailableError) {
        this.#storeFailures++;
        logger.warn({ err: error.message, retryInMs: this.#storeBackoff() }, 'job attempt interrupted: database unavailable');
        ended('interrupted');
        await this.#handBack(job, error, logger, ran);
        return;
      }
      const backoff = Math.min(this.config.backoffMaxMs, 200 * 2 ** job.attempts);
      logger.error({ err: error, retryInMs: backoff }, 'job attempt failed');
      ended('failed');
      await this.store.jobs.retryLater(job.id, this.owner, this.clock.now() + backoff, String(error)).catch((e: unknown) => {
        logger.error({ err: e }, 'could not reschedule job; its lease will expire');
      });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * An attempt cut short by a store outage (unreachable, or unable to write) is not the job's
   * failure: once the store takes writes again, the job goes back to the queue without counting
   * the attempt (an outage must not push a job towards giving up, or an acknowledged change
   * could end up failed), due after the runner's outage backoff so it is not retried in a loop.
   * Tried until it works, the runner stops, or another node has taken the job over. `ran`: the
   * attempt had started running the job, counted as interrupted (ListJobs does not say it never ran).
   */
  async #handBack(job: JobRecord, cause: StoreUnavailableError, logger: Logger, ran: boolean): Promise<void> {
    while (!this.#stopped) {
      try {
        if (await this.store.jobs.release(job.id, this.owner, this.clock.now() + this.#storeBackoff(), cause.message, ran)) {
          logger.info('job handed back to the queue after the store outage');
        }
        return;
      } catch {
        await sleep(this.#storeBackoff(), undefined, { signal: this.#stopping.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * The context of one attempt. `failing`: the attempt gives up, or fails a cancelled job; its
   * finish notes the job as failed (after `attempts` that ran; a cancelled one with the cancel, by
   * whom and in which state it `found` the job, as its error: cancelNote), and a cancel asked for
   * meanwhile does not stop it.
   */
  #context(job: JobRecord, definition: JobDefinition | undefined, logger: Logger, failing?: { attempts: number; cancelled?: { by: string; found: JobCancelledWhile } }, inRequest = false): JobContext {
    type Failure = { error?: string; retryRefusal?: string };
    const guarded = async <T>(fn: (tx: Repositories) => Promise<T>, finish: false | { failure?: Failure }, options?: WriteOptions) => {
      let finished = false;
      const result = await this.store.transaction(async (tx) => {
        const lease = await tx.jobs.lease(job.id, this.owner);
        if (!lease) throw new LeaseLostError(job.id);
        if (lease.cancelRequestedBy !== null && !failing?.cancelled) throw new JobCancelled(lease.cancelRequestedBy);
        const result = await fn(tx);
        if (!finish) return result;
        const given = finish.failure ?? (failing && { error: failing.cancelled && cancelNote(failing.cancelled.by, failing.cancelled.found) });
        const failure = given && { ...given, retryRefusal: given.retryRefusal ?? definition?.retryRefusal?.(JSON.parse(job.payload) as never) };
        const keepBody = definition?.retryable === true && !failure?.retryRefusal;
        const failed = failure && {
          at: this.clock.now(), attempts: failing?.attempts ?? job.attempts, keepBody, account: accountOf(job.resource), keep: this.#keepCaps,
          // JobContext.fail: the job's change was refused for what it holds, not retried.
          rejected: finish.failure !== undefined, ...failure,
        };
        if (!(await tx.jobs.finish(job.id, this.owner, failed, failing?.cancelled !== undefined))) {
          // A cancel that committed after this transaction read the lease: it wins (rolled back here).
          const now = await tx.jobs.lease(job.id, this.owner);
          if (now && now.cancelRequestedBy !== null) throw new JobCancelled(now.cancelRequestedBy);
          throw new LeaseLostError(job.id);
        }
        // A file staged for it (UploadDatasetImport) goes with it, however it ended: not kept for a retry.
        await tx.importUploads.removeOfJob(job.id);
        finished = !failed;
        return result;
      }, options);
      // Its stored request goes once the result is visible (JobsRepository.finish says why).
      if (finished && job.body) this.#ended.ended(job.id);
      return result;
    };
    return {
      job,
      store: this.store,
      clock: this.clock,
      logger,
      transaction: (fn) => guarded(fn, false),
      finish: (fn, options) => guarded(fn, {}, options),
      fail: (fn, failure) => guarded(fn, { failure }),
      inRequest,
    };
  }
}
