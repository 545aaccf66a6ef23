import { BucketsRepository } from './sql/buckets-repository.js';
import { CredentialsRepository } from './sql/credentials-repository.js';
import { AcDatasetsRepository } from './sql/ac-datasets-repository.js';
import { AcExamplesRepository } from './sql/ac-examples-repository.js';
import { AcVersionsRepository } from './sql/ac-versions-repository.js';
import { IdempotencyRepository } from './sql/idempotency-repository.js';
import { JobsRepository } from './sql/jobs-repository.js';
import { RevisionsRepository } from './sql/revisions-repository.js';
import { RkDatasetsRepository } from './sql/rk-datasets-repository.js';
import { RkEntriesRepository } from './sql/rk-entries-repository.js';
import { RkLabelsRepository } from './sql/rk-labels-repository.js';
import { RkProjectsRepository } from './sql/rk-projects-repository.js';
import { SettingsRepository } from './sql/settings-repository.js';
import type { SqlDialect, SqlDriver, SqlExecutor } from './sql/sql-driver.js';
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
  readonly credentials: CredentialsRepository;
  readonly buckets: BucketsRepository;
  readonly idempotency: IdempotencyRepository;
  readonly acDatasets: AcDatasetsRepository;
  readonly acExamples: AcExamplesRepository;
  readonly acVersions: AcVersionsRepository;
}

export interface Store extends Repositories {
  readonly dialect: SqlDialect;
  /** Runs `fn` atomically; the repositories it receives act inside the transaction. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Resolves when the store answers and can write; rejects with StoreUnavailableError (the
   * reason) while it cannot: unreachable, or, after a write failed, until a write succeeds again.
   */
  health(): Promise<void>;
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export function storeOn(driver: SqlDriver): Store {
  const settings = new SettingsRepository(driver);
  const health = new StoreHealth(() => driver.get('SELECT 1 AS ok'), () => settings.touch('health-probe'));
  // Every failure of the store on the way out is noted, so health knows writes are failing.
  const noted = <T>(promise: Promise<T>): Promise<T> => promise.catch((error: unknown) => {
    health.observe(error);
    throw error;
  });
  const watched: SqlExecutor = {
    all: (sql, params) => noted(driver.all(sql, params)),
    get: (sql, params) => noted(driver.get(sql, params)),
    run: (sql, params) => noted(driver.run(sql, params)),
    runBatch: (sql, rows) => noted(driver.runBatch(sql, rows)),
    insertMany: (table, columns, rows) => noted(driver.insertMany(table, columns, rows)),
  };
  return {
    ...repositoriesOn(watched, driver.dialect),
    dialect: driver.dialect,
    transaction: (fn) => noted(driver.transaction((tx) => fn(repositoriesOn(tx, driver.dialect)))),
    health: () => noted(health.check()),
    migrate: () => driver.migrate(),
    close: () => driver.close(),
  };
}

function repositoriesOn(db: SqlExecutor, dialect: SqlDialect): Repositories {
  return {
    settings: new SettingsRepository(db),
    jobs: new JobsRepository(db, dialect),
    revisions: new RevisionsRepository(db),
    rkProjects: new RkProjectsRepository(db, dialect),
    rkDatasets: new RkDatasetsRepository(db),
    rkEntries: new RkEntriesRepository(db, dialect),
    rkLabels: new RkLabelsRepository(db),
    credentials: new CredentialsRepository(db),
    buckets: new BucketsRepository(db),
    idempotency: new IdempotencyRepository(db),
    acDatasets: new AcDatasetsRepository(db),
    acExamples: new AcExamplesRepository(db),
    acVersions: new AcVersionsRepository(db),
  };
}
