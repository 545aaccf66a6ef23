import { chmodSync, closeSync, constants, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { syncPath } from '../../lib/sync-path.js';
import { knownSchemaVersions } from './sqlite-driver.js';

/** What a store file holds, as `trove backup` and `trove restore` check it. */
export interface StoreFileFacts {
  /** Schema versions applied (schema_migrations). */
  readonly schemaVersions: readonly number[];
  /** A setting's value (e.g. the sealed master key check), read on demand. */
  readonly settings: ReadonlyMap<string, Buffer>;
  /** What `trove backup` wrote into the copy (absent in a plain trove.db). */
  readonly backup: ReadonlyMap<string, string>;
  readonly counts: { readonly projects: number; readonly datasets: number; readonly agentcoreDatasets: number; readonly credentials: number; readonly jobs: number };
}

/** A file that is not a sound Trove store: not SQLite, damaged, someone else's, or from a newer Trove. */
export class NotASoundStore extends Error {}

/** Tables every Trove store has had since its first migrations. */
const TROVE_TABLES = ['schema_migrations', 'settings', 'jobs', 'credentials', 'rk_projects', 'rk_datasets', 'ac_datasets'];

/** Where `trove backup` records what it copied, inside the copy (dropped again by `trove restore`). */
const BACKUP_TABLE = 'trove_backup';

/**
 * Copies a live store into `target` (which must not exist) with SQLite's online backup API:
 * all pages in one step, under one read transaction, so the copy is the database at one
 * instant, however busy the writer is (WAL: readers never block it; a write landing between
 * steps would restart a paged copy). Only reads the source: works while Trove serves it.
 * The target is created empty and private (0600) before a page is copied into it, and SQLite gives
 * its journal the same mode: a copy made readable by the umask and tightened afterwards could be
 * opened by another local user meanwhile, and read for as long as they keep it open.
 */
export async function copyDatabase(sourceFile: string, target: string): Promise<void> {
  closeSync(openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
  const source = openReadOnly(sourceFile);
  try {
    await source.backup(target, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
}

/**
 * Opens a store file read-only and checks it from end to end: SQLite's `PRAGMA integrity_check`,
 * Trove's tables, and schema versions this build knows. Throws NotASoundStore, saying why.
 */
export function inspectStoreFile(file: string): StoreFileFacts {
  const db = openReadOnly(file);
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as Record<string, unknown>[]).map((row) => String(Object.values(row)[0]));
    } catch (error) {
      throw new NotASoundStore(`${file} is not a readable SQLite database (${(error as Error).message}).`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new NotASoundStore(`${file} failed SQLite's integrity check: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}.`);
    }
    const tables = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]);
    const missing = TROVE_TABLES.filter((table) => !tables.has(table));
    if (missing.length > 0) throw new NotASoundStore(`${file} is a SQLite database, but not a Trove store (no ${missing.join(', ')} table).`);
    const schemaVersions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
    const known = new Set(knownSchemaVersions());
    const newer = schemaVersions.filter((version) => !known.has(version));
    if (newer.length > 0) {
      throw new NotASoundStore(`${file} was made by a newer Trove (schema migration ${newer.join(', ')} is unknown to this one); restore it with that version.`);
    }
    const count = (table: string) => Number(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
    const settings = new Map((db.prepare('SELECT name, value FROM settings').all() as { name: string; value: Buffer }[]).map((row) => [row.name, Buffer.from(row.value)]));
    const backup = new Map(tables.has(BACKUP_TABLE)
      ? (db.prepare(`SELECT name, value FROM ${BACKUP_TABLE}`).all() as { name: string; value: string }[]).map((row) => [row.name, row.value])
      : []);
    return {
      schemaVersions,
      settings,
      backup,
      counts: { projects: count('rk_projects'), datasets: count('rk_datasets'), agentcoreDatasets: count('ac_datasets'), credentials: count('credentials'), jobs: count('jobs') },
    };
  } finally {
    db.close();
  }
}

/**
 * Makes a fresh copy a self-contained backup file: notes what it is (read back by `trove
 * restore`), leaves WAL mode (one file, no -wal/-shm beside it), is private to its owner (it
 * holds every tenant's data) and is on disk before it gets its final name.
 */
export function sealBackup(file: string, notes: Readonly<Record<string, string>>): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(`CREATE TABLE ${BACKUP_TABLE} (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${BACKUP_TABLE} (name, value) VALUES (?, ?)`);
    db.transaction(() => {
      for (const [name, value] of Object.entries(notes)) insert.run(name, value);
    })();
  } finally {
    db.close();
  }
  finishFile(file);
}

/** Turns a restored copy back into a plain store: the backup's notes go, the file is flushed and private. */
export function unsealRestored(file: string): void {
  const db = new Database(file);
  try {
    db.exec(`DROP TABLE IF EXISTS ${BACKUP_TABLE}`);
  } finally {
    db.close();
  }
  finishFile(file);
}

function finishFile(file: string): void {
  chmodSync(file, 0o600);
  syncPath(file);
}

function openReadOnly(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new NotASoundStore(`${file} cannot be opened: ${(error as Error).message}.`);
  }
  db.pragma('busy_timeout = 5000');
  return db;
}
