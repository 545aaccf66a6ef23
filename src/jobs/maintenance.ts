import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';

export interface MaintenanceConfig {
  /** How often the sweep runs. */
  readonly intervalMs: number;
  /** Pagination tokens live this long; row versions only they could need are kept as long. */
  readonly pageTokenTtlMs: number;
  /** Jobs that gave up are listed this long, then forgotten. */
  readonly failedJobRetentionMs: number;
  /** An upload no job took whose progress is older than this is removed (domain/uploads/upload-pace.ts orphanUploadRemovalMs). */
  readonly orphanUploadRemovalMs: number;
}

const PURGE_CHUNK = 2000;
const ORPHAN_UPLOADS_PER_SWEEP = 100;
/**
 * Finished jobs' left-over requests removed per sweep, one a statement: left by a crash or by
 * removals that kept failing (EndedBodies), and freeing a 5 MB one holds SQLite's writer (and
 * event loop) ~10 ms.
 */
const ORPHAN_BODIES_PER_SWEEP = 64;
const DATASETS_PER_SWEEP = 100;
/**
 * Source-refs added to the trigram index per transaction: a few milliseconds of the event loop
 * and the writer. The catch-up starts the moment a change commits, while its client polls for
 * UPDATE_COMPLETE and the next job waits for the writer: each chunk holds both up for as long as
 * it runs (2,000 source-refs held them ~20 ms plus a sync to disk, and the poll that saw the
 * change complete came 11-29 ms after its commit instead of 5-17 ms).
 */
const INDEX_CHUNK = 500;
/**
 * How long the catch-up waits after a commit before its first chunk. A client polling for
 * UPDATE_COMPLETE has a request waiting behind the commit's sync; started at once, the first
 * chunk (7-13 ms on a quiet machine) ran before that request was read, and the poll that saw the
 * change complete came 12-14 ms after its commit (1-2 ms with the wait); waiting lets it through first.
 */
const INDEX_AFTER_COMMIT_MS = 20;
/**
 * PostgreSQL: when the catch-up's fence finds rk_entries being written (a job's transaction, or a
 * VACUUM of the table, which takes seconds after a large import), it tries again after this long,
 * doubling up to FENCE_RETRY_MAX_MS, until it gets through: it does not wait for the next commit
 * or sweep, which may be minutes away.
 */
const FENCE_RETRY_MS = 200;
const FENCE_RETRY_MAX_MS = 2000;

/**
 * Background upkeep of the store.
 *
 * Garbage collection of superseded row versions (and of old failed-job notes). A row superseded
 * at revision d can only be seen by a listing pinned to a revision before d, and such a listing started before d was
 * committed; once d is older than the token lifetime, no token can need the row any more,
 * unless a snapshot names a revision that sees it: those rows stay until the snapshot goes.
 * Safe to run on several nodes at once (deleting a deleted row is a no-op).
 *
 * Substring indexing (SQLite's gram index, PostgreSQL's ordered index): entries committed by a
 * job are added to the substring index right after the commit, in short transactions, so the
 * change's own transaction does not carry that work (listings read the rows not yet indexed
 * directly). Also run at start-up and with every sweep, which catches up after a crash.
 */
export class Maintenance {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #indexing: Promise<void> | undefined;
  #indexAgain = false;
  /** The last pass found the fence closed (PostgreSQL: rows being written); the catch-up tries again. */
  #fenceClosed = false;
  #stopped = false;
  readonly #stopping = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly config: MaintenanceConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.config.intervalMs);
    this.#timer.unref();
    this.indexSourceRefsSoon();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopped = true;
    this.#stopping.abort();
    await this.#running;
    await this.#indexing;
  }

  /** Entries were committed: bring the substring index up to date (one pass at a time, repeated if asked meanwhile). */
  indexSourceRefsSoon(): void {
    if (this.#indexing) {
      this.#indexAgain = true;
      return;
    }
    this.#indexing = (async () => {
      await sleep(INDEX_AFTER_COMMIT_MS);
      let retryMs = FENCE_RETRY_MS;
      do {
        this.#indexAgain = false;
        await this.indexSourceRefs();
        if (this.#fenceClosed && !this.#stopped) {
          // (Not kept alive by this timer; stop() cuts it short.)
          await sleep(retryMs, undefined, { signal: this.#stopping.signal, ref: false }).catch(() => undefined);
          retryMs = Math.min(FENCE_RETRY_MAX_MS, retryMs * 2);
          this.#indexAgain = true;
        }
      } while (this.#indexAgain && !this.#stopped);
    })().finally(() => {
      this.#indexing = undefined;
    });
  }

  /**
   * Adds every entry not yet in the substring index to it; returns the work done (SQLite: entry
   * rows; PostgreSQL: chunks of its ordered index, indexed or rebuilt).
   */
  async indexSourceRefs(): Promise<number> {
    let indexed = 0;
    try {
      // PostgreSQL: ids up to this one are settled (no lower one is still being written), read
      // once a pass; undefined while a writer is at work (indexSourceRefsSoon then tries again).
      const rowsAtATime = this.store.dialect.substringIndex === 'fts5';
      const settled = await this.store.rkEntries.settledId();
      this.#fenceClosed = !rowsAtATime && settled === undefined;
      while (!this.#stopped) {
        // Deferred durability: the index is derived from the entries, and its rows and progress mark
        // commit together, so a power loss only takes back index work the next pass redoes.
        const added = await this.store.transaction((tx) => tx.rkEntries.indexSourceRefs(INDEX_CHUNK, settled), { durability: 'deferred' });
        indexed += added;
        if (rowsAtATime ? added < INDEX_CHUNK : added === 0) break;
        // Requests and jobs get the writer between chunks.
        await yieldToEventLoop();
      }
    } catch (error) {
      // Nothing is lost: the rows stay readable without the index, and the next pass resumes.
      this.logger.error({ err: error }, 'substring indexing failed');
    }
    return indexed;
  }

  /** One pass over the datasets with revisions old enough to collect; returns rows removed. */
  async sweep(): Promise<number> {
    if (this.#running) return 0;
    let removed = 0;
    const run = (async () => {
      const horizon = this.clock.now() - this.config.pageTokenTtlMs;
      for (const datasetId of await this.store.revisions.datasetsWithRevisionsBefore('rekognition', horizon, DATASETS_PER_SWEEP)) {
        const revision = await this.store.revisions.newestCommittedBefore('rekognition', datasetId, horizon);
        removed += await this.#collect(datasetId, revision);
        await this.store.revisions.forget('rekognition', datasetId, revision);
      }
      // One transaction: the notes and the bodies they kept go together (a retry racing it: JobsRepository.purgeFailed).
      const before = this.clock.now() - this.config.failedJobRetentionMs;
      await this.store.transaction((tx) => tx.jobs.purgeFailed(before));
      // Stored requests of finished jobs whose removal never came (the process stopped right after the finish: EndedBodies).
      // (Its own catch: a failure here must not skip the uploads and the index below.)
      await this.store.jobs.removeOrphanBodies(ORPHAN_BODIES_PER_SWEEP).then(
        (orphans) => { if (orphans > 0) this.logger.info({ jobs: orphans }, 'stored requests of finished jobs removed'); },
        (error: unknown) => this.logger.warn({ err: error }, 'could not remove finished jobs\' left-over stored requests'),
      );
      await this.#removeOrphanUploads();
      await this.indexSourceRefs();
    })().catch((error: unknown) => this.logger.error({ err: error }, 'maintenance sweep failed'));
    this.#running = run.then(() => undefined);
    await run;
    this.#running = undefined;
    if (removed > 0) this.logger.info({ removed }, 'superseded entry versions collected');
    return removed;
  }

  /**
   * Files staged for UploadDatasetImport that no job will read: the request that sent one died
   * before accepting it (its node crashed, kill -9), or its job is gone. While its request lives,
   * the node reading it records its progress at least every 1.25x the request timeout (a longer
   * pause cuts the request, upload-pace.ts), so one whose progress is older than the removal
   * bound (the abandoned-upload bound, at least 10 minutes) is no longer being sent, whichever
   * node took it: a live slow upload on another node keeps marking its progress and is never
   * removed. Each is deleted row first, only if still an orphan, then its pieces.
   */
  async #removeOrphanUploads(): Promise<void> {
    const idleBefore = this.clock.now() - this.config.orphanUploadRemovalMs;
    const uploads = this.store.importUploads;
    for (const id of await uploads.orphans(idleBefore, ORPHAN_UPLOADS_PER_SWEEP)) {
      if (await removeOrphanUpload(this.store, id, idleBefore)) this.logger.info({ upload: id }, 'an upload no import took was removed');
    }
    // Pieces whose row is gone: a removal cut short between the row and its pieces (a crash, an outage).
    for (const id of await uploads.strays(ORPHAN_UPLOADS_PER_SWEEP)) await uploads.removePieces(id);
  }

  /**
   * Removes the dataset's row versions superseded at or before `revision`, except those a
   * snapshot sees. History first marks the revisions before it as collected (diffs and restores
   * of them are refused from then on); snapshot creation locks that row, so a snapshot either
   * exists before the walk below reads the snapshots, or is refused.
   */
  async #collect(datasetId: number, revision: number): Promise<number> {
    await this.store.transaction((tx) => tx.rkHistory.markCollected(datasetId, revision));
    let removed = 0;
    let after = { rev: 0, id: 0 };
    for (;;) {
      const step = await this.store.transaction(async (tx) => {
        const kept = await tx.rkSnapshots.revisions(datasetId);
        return tx.rkEntries.purgeSuperseded(datasetId, revision, PURGE_CHUNK, kept, after);
      });
      removed += step.purged;
      if (step.scanned < PURGE_CHUNK) return removed;
      after = step.last;
    }
  }
}

/**
 * Removes the upload `id` (listed by `orphans`) if it is still an orphan, tested again as its row
 * goes (a late but live upload may have written, or been accepted, since the listing): the row
 * first, then its pieces. True when it was removed. The sweep and the embedded store's start-up
 * (trove.ts) remove orphans this one way.
 */
export async function removeOrphanUpload(store: Store, id: number, idleBefore: number): Promise<boolean> {
  if (!(await store.transaction((tx) => tx.importUploads.takeOrphan(id, idleBefore)))) return false;
  await store.importUploads.removePieces(id);
  return true;
}
