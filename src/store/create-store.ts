import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDriver } from './sqlite/sqlite-driver.js';
import { storeOn } from './store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** Directory of the embedded SQLite database. */
  readonly dataDir: string;
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
}

/** Opens (and migrates) the store the configuration names. */
export async function createStore(config: StoreConfig): Promise<Store> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = storeOn(new SqliteDriver({ filename: join(config.dataDir, 'trove.db'), synchronous: config.sqliteSynchronous }));
  await store.migrate();
  return store;
}
