import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { SqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/store.js';

/**
 * A migrated SQLite store in a fresh temporary directory for each test of the calling describe
 * block, closed and removed after it. Call it before the block's own hooks: its afterEach then
 * runs last (vitest runs after-hooks in reverse order), once a runner the test started is stopped.
 */
export function sqliteStorePerTest(prefix: string): { readonly store: Store; readonly dir: string } {
  let dir: string | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    store = storeOn(new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'NORMAL' }));
    await store.migrate();
  });
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    store = undefined;
    dir = undefined;
  });
  return {
    get store() {
      if (!store) throw new Error('the SQLite store exists only inside a test');
      return store;
    },
    get dir() {
      if (!dir) throw new Error('the SQLite store exists only inside a test');
      return dir;
    },
  };
}
