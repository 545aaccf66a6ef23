import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Backend } from './backends.js';
import { createTestDatabase, postgresServerUrl } from './postgres.js';
import type { TestDatabase } from './postgres.js';

/**
 * A store that stops taking writes while reads still work, on either backend, for the tests of
 * "the store cannot write":
 * - SQLite: the data directory is a small tmpfs, filled up by a filler file (a full disk);
 * - PostgreSQL: the database is switched to read-only (`default_transaction_read_only`, as a
 *   standby after a failover), its sessions cut so the pool reconnects into read-only ones.
 */
export interface WriteOutage {
  /** Server options that put the store where the outage can reach it. */
  readonly serverOptions: { dataDir?: string; databaseUrl?: string };
  /** Stops writes (SQLite: fills the disk). */
  block(): Promise<void>;
  /** Writes work again (SQLite: the filler is deleted). */
  unblock(): Promise<void>;
  close(): Promise<void>;
}

const TMPFS_BYTES = 48 * 1024 * 1024;

/**
 * Why SQLite's full-disk outage cannot be staged here (mounting a tmpfs needs root), or
 * undefined when it can. Checked once, by mounting and unmounting a tiny tmpfs.
 */
export const TMPFS_UNAVAILABLE: string | undefined = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'trove-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); the full-disk tests need root`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

export async function writeOutage(backend: Backend): Promise<WriteOutage> {
  return backend === 'sqlite' ? fullDisk() : readOnlyDatabase(await createTestDatabase());
}

async function fullDisk(): Promise<WriteOutage> {
  const mountPoint = mkdtempSync(join(tmpdir(), 'trove-full-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES},mode=0700`, 'tmpfs', mountPoint], { stdio: 'pipe' });
  const dataDir = join(mountPoint, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const filler = join(mountPoint, 'filler');
  return {
    serverOptions: { dataDir },
    async block() {
      const fd = openSync(filler, 'w');
      try {
        // Big writes first, then ever smaller ones, until not a byte is left.
        for (let size = 1 << 20; size >= 1; size >>= 2) {
          const chunk = Buffer.alloc(size, 0x2e);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    async unblock() {
      rmSync(filler, { force: true });
    },
    async close() {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}

async function readOnlyDatabase(database: TestDatabase): Promise<WriteOutage> {
  const admin = async (...statements: string[]) => {
    const client = new pg.Client({ connectionString: postgresServerUrl() });
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    serverOptions: { databaseUrl: database.url },
    async block() {
      await admin(
        `ALTER DATABASE ${database.name} SET default_transaction_read_only = on`,
        // Sessions keep the setting they started with: cut them, the pool reconnects read-only.
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
      );
    },
    async unblock() {
      // No session needs cutting: Trove drops a connection that refused a write.
      await admin(`ALTER DATABASE ${database.name} RESET default_transaction_read_only`);
    },
    close: () => database.drop(),
  };
}
