import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { syncPath } from '../../lib/sync-path.js';
import type { SqlObserver } from '../sql/sql-driver.js';
import { SqliteDriver } from './sqlite-driver.js';

/** The embedded store's database, in the data directory. */
export const DATABASE_FILE = 'trove.db';

/** The files SQLite keeps beside a database in WAL mode. */
const COMPANIONS = ['-wal', '-shm'];

/** A data directory Trove must not open: its database is empty, truncated, damaged or not Trove's. */
export class DataDirectoryRefused extends Error {
  constructor(file: string, problem: string) {
    super(`Refusing to open ${file}: ${problem}. Trove writes a new database whole, so this file is damaged or not Trove's; `
      + 'restore it from a backup, or move it away to start with an empty store.');
    this.name = 'DataDirectoryRefused';
  }
}

/**
 * Creates the data directory readable by its owner only (0700). An existing directory is left as
 * it is (it may be shared on purpose, e.g. with a backup agent's group), but a warning says when
 * other users can list it: the database files themselves are 0600 either way.
 */
export function prepareDataDir(dir: string): string[] {
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) return [];
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new Error(`The data directory ${dir} is not a directory.`);
  const mode = stat.mode & 0o777;
  return (mode & 0o077) === 0 ? [] : [
    `The data directory ${dir} is open to other users (mode ${mode.toString(8)}); Trove's own files in it are 0600, `
    + `but \`chmod 700 ${dir}\` keeps other users from even listing it.`,
  ];
}

/**
 * The driver of the data directory's database. No database file at all means a fresh directory:
 * the database is created whole (migrated under a temporary name, then renamed into place), so a
 * `trove.db` Trove created is never empty or half-made. Any existing file must be a complete
 * Trove database, or Trove refuses to start (DataDirectoryRefused) rather than run on an empty
 * store — which would, among other things, re-enable the local test/test pair. Database files are
 * 0600 (existing ones are tightened); `warn` hears what was changed.
 */
export async function openDatabase(
  dir: string, synchronous: 'FULL' | 'NORMAL', warn: (message: string) => void = () => undefined, observer?: SqlObserver,
): Promise<SqliteDriver> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, DATABASE_FILE);
  if (existsSync(file)) {
    inspect(file);
    tighten(file, warn);
  } else {
    // A write-ahead log with content belongs to a database that was lost: don't start over beside it.
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) {
      throw new DataDirectoryRefused(file, `it is missing while ${DATABASE_FILE}-wal, its write-ahead log, is there`);
    }
    for (const suffix of COMPANIONS) rmSync(file + suffix, { force: true });
    await create(file, dir, synchronous);
  }
  return new SqliteDriver({ filename: file, synchronous, observer });
}

const MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');
const HEADER_BYTES = 100;

/** Cheap checks that `file` is a whole SQLite database that Trove has migrated (no full scan). */
function inspect(file: string): void {
  const size = statSync(file).size;
  if (size === 0) throw new DataDirectoryRefused(file, 'it is empty (0 bytes)');
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (size < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) throw new DataDirectoryRefused(file, 'it is not a SQLite database');
  // SQLite's header: page size at 16 (1 means 65536), page count at 28, valid while the change
  // counter at 24 equals the version-valid-for number at 92. A file shorter than that was cut —
  // unless a write-ahead log is beside it: a checkpoint copies page 1 (with the new count) before
  // it extends the file, so a process killed mid-checkpoint leaves exactly this, and SQLite
  // completes the file from the log when it next opens it.
  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  const logged = existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0;
  if (!logged && pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92) && size < pages * pageSize) {
    throw new DataDirectoryRefused(file, `it is truncated (${size} bytes of the ${pages * pageSize} its header records)`);
  }
  let db: Database.Database | undefined;
  let applied: number;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    applied = table ? Number((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n) : 0;
  } catch (error) {
    throw new DataDirectoryRefused(file, `it cannot be read (${(error as Error).message})`);
  } finally {
    db?.close();
  }
  if (applied === 0) throw new DataDirectoryRefused(file, 'it is a SQLite database, but not a Trove one (no migrations applied)');
}

/** Makes the database files readable and writable by their owner only. */
function tighten(file: string, warn: (message: string) => void): void {
  for (const path of [file, ...COMPANIONS.map((suffix) => file + suffix)]) {
    if (!existsSync(path)) continue;
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) === 0) continue;
    try {
      chmodSync(path, 0o600);
      warn(`${path} was open to other users (mode ${mode.toString(8)}); it is 0600 now.`);
    } catch (error) {
      warn(`${path} is open to other users (mode ${mode.toString(8)}) and could not be changed: ${(error as Error).message}`);
    }
  }
}

/**
 * Creates and migrates a database under a temporary name, then renames it into place: a crash at
 * any point leaves either no `trove.db` (the next start creates it again) or a complete one. The
 * file is created 0600 before SQLite opens it; SQLite gives its -wal and -shm the same mode.
 */
async function create(file: string, dir: string, synchronous: 'FULL' | 'NORMAL'): Promise<void> {
  const staging = `${file}.new`;
  for (const path of [staging, ...COMPANIONS.map((suffix) => staging + suffix), `${staging}-journal`]) rmSync(path, { force: true });
  closeSync(openSync(staging, 'wx', 0o600));
  const driver = new SqliteDriver({ filename: staging, synchronous });
  try {
    await driver.migrate();
  } finally {
    // Closing the last connection checkpoints the write-ahead log into the file and removes it.
    await driver.close();
  }
  if (existsSync(`${staging}-wal`)) throw new Error(`Could not create ${file}: SQLite left its write-ahead log behind.`);
  rmSync(`${staging}-shm`, { force: true });
  syncPath(staging);
  renameSync(staging, file);
  syncPath(dir);
}
