import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

/**
 * How long after a job's finish its body pieces are removed. Long enough for the requests waiting
 * on that commit (a client polling for UPDATE_COMPLETE) to be answered first: on SQLite the
 * removal runs on the event loop (better-sqlite3 is synchronous), ~2 ms for a 5 MB request's 80
 * pieces on a quiet machine and 4-24 ms in a loaded server, and would hold up a poll that arrives
 * meanwhile. Jobs finishing within it share one removal.
 */
const REMOVAL_DELAY_MS = 100;
/** After a removal failed (a store outage), when its jobs are tried again. */
const RETRY_DELAY_MS = 5_000;
/** Jobs whose removal failed kept for another try, at most; beyond, they are left to the sweep. */
const MAX_RETRIED = 10_000;

/**
 * Body pieces of jobs that finished, removed shortly after in their own statement instead of in
 * the transaction that publishes the job's result (JobsRepository.finish says why). Removal is
 * best effort: a removal that fails, or never comes (the process stopped), leaves pieces no job
 * reads and nothing counts, which the maintenance sweep removes (removeOrphanBodies).
 */
export class EndedBodies {
  #ids: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #removing: Promise<void> | undefined;
  /** Stopped (the store closes next): a failed removal is left to the sweep, never tried again here. */
  #stopped = false;

  constructor(private readonly store: Store, private readonly logger: Logger) {}

  /** The job `id` finished (committed): its pieces go after REMOVAL_DELAY_MS. */
  ended(id: number): void {
    this.#ids.push(id);
    this.#schedule(REMOVAL_DELAY_MS);
  }

  #schedule(delayMs: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), delayMs);
    this.#timer.unref();
  }

  /** Removes what is left now, once, before the store closes (JobRunner.stop). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.flush();
  }

  /** Removes the pieces of every job ended so far now; resolves once they (and any removal under way) are gone. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ids = this.#ids;
    this.#ids = [];
    const before = this.#removing;
    const removal = (async () => {
      await before;
      if (ids.length === 0) return;
      await this.store.jobs.removeEndedBodies(ids).catch((error: unknown) => {
        // Tried again later (a store outage passes), as many as MAX_RETRIED; the sweep takes the rest.
        const kept = this.#stopped ? [] : ids.slice(0, Math.max(0, MAX_RETRIED - this.#ids.length));
        this.#ids.push(...kept);
        if (kept.length > 0) this.#schedule(RETRY_DELAY_MS);
        this.logger.warn({ err: error, jobs: ids.length, retried: kept.length }, 'could not remove finished jobs\' stored requests; tried again later, else the maintenance sweep will');
      });
    })();
    this.#removing = removal;
    await removal;
    if (this.#removing === removal) this.#removing = undefined;
  }
}
