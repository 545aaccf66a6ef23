import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresDriver } from './postgres/postgres-driver.js';
import { DATABASE_FILE, openDatabase } from './sqlite/database-files.js';
import { isConnectionLoss } from './store-unavailable-error.js';
import type { SqlDialect, SqlObserver } from './sql/sql-driver.js';
import { storeOn } from './store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Directory of the embedded SQLite database (unused with `databaseUrl`). */
  readonly dataDir: string;
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** PostgreSQL instead of SQLite: several Trove nodes may share the database. */
  readonly databaseUrl?: string;
  readonly databasePoolSize?: number;
  /** How long to wait for PostgreSQL to accept connections before giving up (default 0: at once). */
  readonly databaseWaitMs?: number;
  /** Called before each new attempt while waiting for PostgreSQL; for logging. */
  readonly onDatabaseWait?: (error: Error, waitedMs: number) => void;
  /** Errors of idle PostgreSQL connections (the pool replaces them); for logging. */
  readonly onConnectionError?: (error: Error) => void;
  /** Things changed or worth an operator's attention (e.g. database file modes tightened); for logging. */
  readonly onWarning?: (message: string) => void;
  /** Every error a store call rejects with (store.ts StoreOptions); for the metrics. */
  readonly onStoreError?: (error: unknown) => void;
  /** Where the driver of `engine` reports statement, transaction and connection-wait times; for the metrics. */
  readonly sqlObserver?: (engine: SqlDialect['name']) => SqlObserver;
  /** Bytes of lines a paged read of whole entry rows returns at most, past its first (store.ts StoreOptions). */
  readonly pageReadBytes?: number;
}

/** Opens (and migrates) the store the configuration names. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const options = { onError: config.onStoreError, pageReadBytes: config.pageReadBytes };
  const store = config.databaseUrl
    ? storeOn(new PostgresDriver({
      url: config.databaseUrl, poolSize: config.databasePoolSize ?? 10, onConnectionError: config.onConnectionError, observer: config.sqlObserver?.('postgres'),
      onWarning: config.onWarning,
    }), options)
    : storeOn(await openDatabase(config.dataDir, config.sqliteSynchronous, config.onWarning, config.sqlObserver?.('sqlite')), options);
  try {
    if (config.databaseUrl) await migrateWhenReachable(store, config);
    else await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/**
 * Migrates, retrying while the database is unreachable (refused, starting up, shutting down) for
 * up to `databaseWaitMs`: a database and its Trove nodes are often started at the same time.
 * Any other error (bad password, missing database, a failed migration) fails at once.
 */
async function migrateWhenReachable(store: Store, config: StoreConfig): Promise<void> {
  const started = Date.now();
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await store.migrate();
    } catch (error) {
      const waited = Date.now() - started;
      if (!isConnectionLoss(error) || waited + delay > (config.databaseWaitMs ?? 0)) throw error;
      config.onDatabaseWait?.(error as Error, waited);
      await sleep(delay);
    }
  }
}

/** The embedded store's database file in a data directory. */
export function sqliteFile(dataDir: string): string {
  return join(dataDir, SQLITE_FILE);
}

export const SQLITE_FILE = DATABASE_FILE;

/** Where the store lives, for messages: the data directory, or the database URL without its password. */
export function describeStore(config: Pick<StoreConfig, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return `data in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  if (url.password) url.password = '***';
  return `database ${url.toString()}`;
}
