import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresDriver } from './postgres/postgres-driver.js';
import { SqliteDriver } from './sqlite/sqlite-driver.js';
import { storeOn } from './store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Directory of the embedded SQLite database (unused with `databaseUrl`). */
  readonly dataDir: string;
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** PostgreSQL instead of SQLite: several Trove nodes may share the database. */
  readonly databaseUrl?: string;
  readonly databasePoolSize?: number;
  /** Errors of idle PostgreSQL connections (the pool replaces them); for logging. */
  readonly onConnectionError?: (error: Error) => void;
}

/** Opens (and migrates) the store the configuration names. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const store = config.databaseUrl
    ? storeOn(new PostgresDriver({ url: config.databaseUrl, poolSize: config.databasePoolSize ?? 10, onConnectionError: config.onConnectionError }))
    : openSqlite(config);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

function openSqlite(config: StoreConfig): Store {
  mkdirSync(config.dataDir, { recursive: true });
  return storeOn(new SqliteDriver({ filename: join(config.dataDir, 'trove.db'), synchronous: config.sqliteSynchronous }));
}

/** Where the store lives, for messages: the data directory, or the database URL without its password. */
export function describeStore(config: Pick<StoreConfig, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return `data in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  if (url.password) url.password = '***';
  return `database ${url.toString()}`;
}
