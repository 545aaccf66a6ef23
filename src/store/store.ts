import { BucketsRepository } from './sql/buckets-repository.js';
import { CredentialsRepository } from './sql/credentials-repository.js';
import { AcDatasetsRepository } from './sql/ac-datasets-repository.js';
import { AcExamplesRepository } from './sql/ac-examples-repository.js';
import { AcVersionsRepository } from './sql/ac-versions-repository.js';
import { IdempotencyRepository } from './sql/idempotency-repository.js';
import { ImportUploadsRepository } from './sql/import-uploads-repository.js';
import { JobsRepository } from './sql/jobs-repository.js';
import { QuotaLocksRepository } from './sql/quota-locks-repository.js';
import { RevisionsRepository } from './sql/revisions-repository.js';
import { RkDatasetsRepository } from './sql/rk-datasets-repository.js';
import { RkEntriesRepository } from './sql/rk-entries-repository.js';
import { RkEntryVersionsRepository } from './sql/rk-entry-versions-repository.js';
import { RkHistoryRepository } from './sql/rk-history-repository.js';
import { RkLabelsRepository } from './sql/rk-labels-repository.js';
import { RkProjectsRepository } from './sql/rk-projects-repository.js';
import { RkSnapshotsRepository } from './sql/rk-snapshots-repository.js';
import { SettingsRepository } from './sql/settings-repository.js';
import type { PoolStats, SqlDialect, SqlDriver, SqlExecutor, WriteOptions } from './sql/sql-driver.js';
import { StoreHealth } from './store-health.js';

/**
 * Everything the domain and the job runner may ask of storage. The repositories are written
 * once in SQL both engines run, over a `SqlDriver` (SQLite or PostgreSQL): the same behaviour
 * on both backends by construction, with engine differences named in `SqlDialect`.
 */
export interface Repositories {
  readonly settings: SettingsRepository;
  readonly jobs: JobsRepository;
  readonly revisions: RevisionsRepository;
  readonly rkProjects: RkProjectsRepository;
  readonly rkDatasets: RkDatasetsRepository;
  readonly rkEntries: RkEntriesRepository;
  readonly rkLabels: RkLabelsRepository;
  readonly rkHistory: RkHistoryRepository;
  readonly rkSnapshots: RkSnapshotsRepository;
  readonly rkEntryVersions: RkEntryVersionsRepository;
  readonly credentials: CredentialsRepository;
  readonly buckets: BucketsRepository;
  readonly idempotency: IdempotencyRepository;
  readonly acDatasets: AcDatasetsRepository;
  readonly acExamples: AcExamplesRepository;
  readonly acVersions: AcVersionsRepository;
  readonly importUploads: ImportUploadsRepository;
  /**
   * Locks for quotas counted before an insert: use it on a transaction's repositories only. On
   * the Store itself a take() locks nothing (each statement is its own transaction, so the lock
   * is released at once). Not left out of Store's type: the many helpers that take either a
   * transaction or the Store as `Repositories` would all need a second type.
   */
  readonly quotaLocks: QuotaLocksRepository;
}

export interface Store extends Repositories {
  readonly dialect: SqlDialect;
  /**
   * Runs `fn` atomically; the repositories it receives act inside the transaction. `fn` may run
   * twice (PostgreSQL retries a transaction a read-only session refused): change nothing outside
   * the transaction before its first write or locking read (postgres-driver.ts, #onceMoreIfReadOnly).
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Resolves when the store answers and can write; rejects with StoreUnavailableError (the
   * reason) while it cannot: unreachable, or, after a write failed, until a write succeeds again.
   */
  health(): Promise<void>;
  /**
   * From now until close(), makes a tiny probe write every `intervalMs`, so health notices a
   * store that cannot write on a node nobody writes through (store-health.ts). The server calls
   * it; short-lived commands do not.
   */
  watchHealth(intervalMs: number): void;
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** The connection pool's use (PostgreSQL), for the metrics; undefined on the embedded store. */
  poolStats(): PoolStats | undefined;
  /** Sessions of the database waiting for a lock (PostgreSQL), for the metrics; undefined where unknown. */
  lockWaits(): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /**
   * Sees every error a store call (a statement, or a whole transaction) rejects with, once: for
   * the metrics, which count the engine's own errors and lost connections among them (an error
   * the caller throws inside its transaction passes through here too, and is not one).
   */
  readonly onError?: (error: unknown) => void;
  /** Bytes of lines a paged read of whole entry rows returns at most, past its first (byte-pages.ts; default 4 MiB). */
  readonly pageReadBytes?: number;
}

export function storeOn(driver: SqlDriver, options: StoreOptions = {}): Store {
  const { onError, pageReadBytes } = options;
  // Only calls from outside a transaction are watched: a failing statement inside one fails the
  // transaction, which is watched, so each failure is seen once, by the metrics and by health
  // (which learns from it that the store cannot write).
  const watched = <T>(call: Promise<T>): Promise<T> => call.catch((error: unknown) => {
    health.observe(error);
    onError?.(error);
    throw error;
  });
  const db: SqlExecutor = {
    all: (sql, params) => watched(driver.all(sql, params)),
    get: (sql, params, options) => watched(driver.get(sql, params, options)),
    run: (sql, params, options) => watched(driver.run(sql, params, options)),
    runBatch: (sql, rows) => watched(driver.runBatch(sql, rows)),
    insertMany: (table, columns, rows) => watched(driver.insertMany(table, columns, rows)),
  };
  const repositories = repositoriesOn(db, driver.dialect, pageReadBytes);
  const health = new StoreHealth(() => db.get('SELECT 1 AS ok'), () => repositories.settings.touch('health-probe'));
  return {
    ...repositories,
    dialect: driver.dialect,
    transaction: (fn, options) => watched(driver.transaction((tx) => fn(repositoriesOn(tx, driver.dialect, pageReadBytes)), options)),
    health: () => health.check(),
    watchHealth: (intervalMs) => health.watch(intervalMs),
    migrate: () => driver.migrate(),
    poolStats: () => driver.poolStats?.(),
    lockWaits: async () => driver.lockWaits?.(),
    close: () => {
      health.stop();
      return driver.close();
    },
  };
}

function repositoriesOn(db: SqlExecutor, dialect: SqlDialect, pageReadBytes?: number): Repositories {
  return {
    settings: new SettingsRepository(db, dialect),
    jobs: new JobsRepository(db, dialect),
    revisions: new RevisionsRepository(db),
    rkProjects: new RkProjectsRepository(db, dialect),
    rkDatasets: new RkDatasetsRepository(db),
    rkEntries: new RkEntriesRepository(db, dialect, pageReadBytes),
    rkLabels: new RkLabelsRepository(db),
    rkHistory: new RkHistoryRepository(db, dialect),
    rkSnapshots: new RkSnapshotsRepository(db),
    rkEntryVersions: new RkEntryVersionsRepository(db, dialect, pageReadBytes),
    credentials: new CredentialsRepository(db),
    buckets: new BucketsRepository(db),
    idempotency: new IdempotencyRepository(db),
    acDatasets: new AcDatasetsRepository(db, dialect),
    acExamples: new AcExamplesRepository(db, dialect),
    acVersions: new AcVersionsRepository(db),
    importUploads: new ImportUploadsRepository(db, dialect),
    quotaLocks: new QuotaLocksRepository(db, dialect),
  };
}
