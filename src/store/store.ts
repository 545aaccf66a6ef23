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
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export function storeOn(driver: SqlDriver): Store {
  return {
    ...repositoriesOn(driver, driver.dialect),
    dialect: driver.dialect,
    transaction: (fn) => driver.transaction((tx) => fn(repositoriesOn(tx, driver.dialect))),
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
