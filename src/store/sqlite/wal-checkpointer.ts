import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies committed WAL frames into the database file on a worker thread, with its own
 * connection, so a large commit does not also pay for the checkpoint. SQLite's own automatic
 * checkpoint runs inside the COMMIT that crosses its threshold: a 5 MB UpdateDatasetEntries paid
 * it twice on its critical path (the accepted request with its payload, then the job's rows).
 * Durability is unchanged: a transaction is durable once its frames are synced to the WAL, which
 * COMMIT still does; a checkpoint only moves them (and syncs the database file under FULL).
 *
 * `committed()` after each write transaction schedules one PASSIVE checkpoint a little later, so
 * a burst of small commits costs one checkpoint, and an idle store none. PASSIVE never blocks the
 * writer or readers; frames a reader still needs are copied by a later checkpoint. As SQLite's own
 * checkpoint, it runs once the WAL holds `minWalBytes` (4 MB, SQLite's 1,000 pages of 4 KiB):
 * small writes keep appending to the WAL rather than reusing it at once (so, among others, a full
 * disk still fails the next write, not some later one, until the WAL first restarts).
 *
 * What the WAL holds is its frame count (a NOOP checkpoint says), not its file's size: a restarted
 * WAL keeps its file (SqliteDriver's journal_size_limit) and is overwritten from the start.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<unknown>;
  /**
   * 1 while a checkpoint is scheduled and has not started reading the WAL yet. Shared memory, not
   * a message: the worker clears it just before it checkpoints, so a commit either sees it set
   * and is certainly covered by that checkpoint, or sees it clear and schedules the next one.
   */
  readonly #scheduled = new Int32Array(new SharedArrayBuffer(4));
  #closed = false;

  /**
   * `onFailure`: the worker could not start or died (the caller lets SQLite checkpoint by itself
   * again). `delayMs`: how long after a commit the checkpoint starts, so that commits close
   * together share one.
   */
  constructor(
    filename: string, synchronous: 'FULL' | 'NORMAL', onFailure: (error: Error) => void, private readonly delayMs = 50, minWalBytes = 1000 * 4096,
  ) {
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { filename, synchronous, betterSqlite3: require.resolve('better-sqlite3'), scheduled: this.#scheduled, minWalBytes },
      // The worker holds one small connection and no JavaScript data of note.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    // A failed checkpoint loses nothing: the frames stay in the WAL for the next one.
    this.#worker.on('error', (error) => {
      this.#closed = true;
      onFailure(error);
    });
  }

  /** A write transaction committed: checkpoint soon (once for any number of commits meanwhile). */
  committed(): void {
    if (this.#closed || Atomics.exchange(this.#scheduled, 0, 1) === 1) return;
    this.#worker.postMessage(this.delayMs);
  }

  /** Closes the worker's connection and stops it (after a checkpoint in progress, if any). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
  }
}

const require = createRequire(import.meta.url);

// Plain CommonJS run with `eval`, so the worker needs no compiled file of its own (the sources run
// through tsx or vitest in development, dist/ in production).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.filename);
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('cache_size = -256');
// The bytes of frames the WAL holds, as SQLite counts them (a NOOP checkpoint copies nothing; an
// SQLite too old for NOOP runs a PASSIVE one instead, which is what this worker is for anyway).
// Never by opening the -wal or -shm file here: closing another descriptor of a file releases
// every POSIX lock this process holds on it, SQLite's own included.
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
const walBytes = () => { try { return db.pragma('wal_checkpoint(NOOP)')[0].log * frameBytes; } catch { return 0; } };
let timer;
parentPort.on('message', (message) => {
  if (message === 'close') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  timer = setTimeout(() => {
    // Cleared before the WAL is read: a commit from now on schedules the next checkpoint.
    Atomics.store(workerData.scheduled, 0, 0);
    if (walBytes() < workerData.minWalBytes) return;
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  }, message);
});
`;
