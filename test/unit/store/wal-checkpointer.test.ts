import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';

/**
 * A large commit leaves its pages in the WAL and returns; the background checkpointer copies
 * them into the database file afterwards. (SQLite's own automatic checkpoint would have copied
 * them inside the COMMIT, on the committing request's or job's critical path.)
 */
describe('SQLite commits: WAL checkpoints in the background, deferred durability', () => {
  let dir: string;
  let driver: SqliteDriver;
  const file = () => join(dir, 'trove.db');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trove-checkpoint-'));
    driver = new SqliteDriver({ filename: file(), synchronous: 'FULL' });
    await driver.run('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  });
  afterEach(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Commits ~8 MB (about 2,000 pages: twice SQLite's default automatic-checkpoint threshold). */
  async function largeCommit(): Promise<void> {
    await driver.transaction(async (tx) => {
      await tx.runBatch('INSERT INTO blobs (data) VALUES (?)', Array.from({ length: 8 }, () => [Buffer.alloc(1024 * 1024, 7)]));
    });
  }

  it('commits without checkpointing, then copies the pages into the database file', async () => {
    await largeCommit();
    // Right after COMMIT the rows are durable in the WAL, and not in the database file yet.
    expect(statSync(file()).size).toBeLessThan(1024 * 1024);
    await until(() => statSync(file()).size > 8 * 1024 * 1024);
    // Every frame has been copied: a checkpoint now has nothing left to do.
    const reader = new Database(file(), { readonly: true });
    try {
      expect((reader.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(8);
    } finally {
      reader.close();
    }
  });

  it('leaves a small WAL alone, as SQLite does below 1,000 pages of 4 KiB', async () => {
    await driver.run('INSERT INTO blobs (data) VALUES (?)', [Buffer.alloc(100_000, 1)]);
    const wal = `${file()}-wal`;
    const walSize = statSync(wal).size;
    await sleep(500);
    // No checkpoint restarted the WAL: it still holds its frames, and the database file does not.
    expect(statSync(wal).size).toBe(walSize);
    expect(statSync(file()).size).toBeLessThan(100_000);
  });

  it('reuses the WAL file once it restarts, and still leaves a small WAL alone (it counts frames, not the file)', async () => {
    await largeCommit();
    // Until the background checkpoint has copied every frame (a NOOP checkpoint only reports).
    const side = new Database(file());
    try {
      await until(() => {
        const [wal] = side.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
        return wal.log > 0 && wal.checkpointed === wal.log;
      });
    } finally {
      side.close();
    }
    const databaseSize = statSync(file()).size;
    // Everything was checkpointed: this commit restarts the WAL, which overwrites its file from the start.
    await driver.run('INSERT INTO blobs (data) VALUES (?)', [Buffer.alloc(100_000, 1)]);
    expect(statSync(`${file()}-wal`).size).toBeGreaterThan(4 * 1024 * 1024);
    await sleep(500);
    // 100 KB of frames in a file of megabytes: not checkpointed yet (the database file has not grown).
    expect(statSync(file()).size).toBe(databaseSize);
    expect(await driver.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs')).toEqual({ n: 9 });
  });

  it('keeps every committed row across a close and reopen', async () => {
    await largeCommit();
    await driver.close();
    driver = new SqliteDriver({ filename: file(), synchronous: 'FULL' });
    expect(await driver.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs')).toEqual({ n: 8 });
    await largeCommit();
    expect(await driver.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs')).toEqual({ n: 16 });
  });

  it('runs a write with deferred durability without syncing it, and syncs every other commit as before', async () => {
    const synchronous = () => driver.transaction(async (tx) => (await tx.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous);
    expect(await synchronous()).toBe(2);
    expect(await driver.run('INSERT INTO blobs (data) VALUES (?)', [Buffer.from('x')], { durability: 'deferred' })).toBe(1);
    expect(await driver.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs')).toEqual({ n: 1 });
    expect(await synchronous()).toBe(2);
    // A failing deferred write leaves the connection at FULL too.
    await expect(driver.run('INSERT INTO blobs (data) VALUES (NULL)', [], { durability: 'deferred' })).rejects.toThrow(/NOT NULL/);
    expect(await synchronous()).toBe(2);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 20_000) throw new Error('condition not met within 20 s');
    await sleep(20);
  }
}
