import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { AsyncMutex } from '../../lib/async-mutex.js';
import { UNOBSERVED } from '../sql/sql-driver.js';
import type { SqlDialect, SqlDriver, SqlExecutor, SqlObserver, SqlParams, StatementKind, WriteOptions } from '../sql/sql-driver.js';
import { unavailableOr } from '../store-unavailable-error.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface SqliteDriverConfig {
  /** Database file path, or ':memory:'. */
  readonly filename: string;
  /** PRAGMA synchronous: FULL survives power loss, NORMAL survives process crashes (both survive kill -9). */
  readonly synchronous: 'FULL' | 'NORMAL';
  /** Sees each statement's and transaction's time, and each wait for the write connection (for the metrics). */
  readonly observer?: SqlObserver;
}

/** Page cache sizes (KiB) of the write and the read connection. */
const WRITER_CACHE_KIB = 4096;
const READER_CACHE_KIB = 2048;

/**
 * Page size of a database this driver creates (SQLite's default is 4 KiB). A commit appends each
 * page it changed to the WAL as a frame, one write for its header and one for the page, and
 * updates the WAL index for it: a 5 MB change was ~1,300 frames per transaction (the accepted
 * payload, then the change's rows), and writing them, not the sync (under a millisecond here),
 * was most of its COMMIT (docs/performance.md, "Detection-line ingest"). Pages of 16 KiB make a
 * quarter of the frames for the same bytes. Only an empty database takes it: one made with
 * another size keeps it (SQLite cannot change the page size of a database in WAL mode).
 */
const PAGE_SIZE = 16_384;

/** SQLite's own checkpoint threshold, kept as a backstop behind WalCheckpointer (64 MiB of frames). */
const BACKSTOP_CHECKPOINT_BYTES = 64 * 1024 * 1024;
/** SQLite's default checkpoint threshold (1,000 pages of its default 4 KiB), for when WalCheckpointer is gone. */
const DEFAULT_CHECKPOINT_BYTES = 1000 * 4096;

/**
 * How much of its file a WAL keeps when it restarts after a checkpoint (PRAGMA
 * journal_size_limit): twice WalCheckpointer's threshold, so the commits between two checkpoints
 * usually overwrite blocks the file already has instead of growing it.
 */
const WAL_KEPT_BYTES = 8 * 1024 * 1024;

const dialect: SqlDialect = {
  name: 'sqlite', skipLocked: '', forUpdate: '', forKeyShare: '', substringIndex: 'fts5', notIndexed: '+', noStatementRollback: 'OR FAIL',
  indexedBy: (index) => `INDEXED BY ${index}`, readsRowsToFilter: false, remote: false, keyLock: '',
};
// Resolved from the package root so the compiled driver (dist/store/sqlite) reads the same SQL files.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/store/sqlite/migrations/', import.meta.url));

/** The migration files this build has, in order. */
function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql')).sort();
}

/** The schema versions this build knows (a database with any other was made by a newer Trove). */
export function knownSchemaVersions(): number[] {
  return migrationFiles().map((file) => Number.parseInt(file, 10));
}

/**
 * better-sqlite3 in WAL mode behind the async SqlDriver interface. One write connection is
 * serialised by a mutex (a transaction may await between statements); reads outside
 * transactions go to a second, read-only connection so they never wait behind a write job.
 *
 * Every write commits with an explicit COMMIT, also a single statement: in autocommit mode
 * better-sqlite3's `get` of an `UPDATE ... RETURNING` hands back the row and resets the statement
 * without reporting that the commit failed (a full disk), so a write that never happened looked
 * done. A failed COMMIT throws; storage failures (full disk, I/O errors, a read-only file) become
 * StoreUnavailableError, the modelled 500 that health and the job runner know how to wait out.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = dialect;
  readonly #writer: Database.Database;
  readonly #reader: Database.Database;
  readonly #mutex = new AsyncMutex();
  readonly #writerExec: SqlExecutor;
  readonly #readerExec: SqlExecutor;
  readonly #writesCache = new Map<string, boolean>();
  readonly #checkpointer: WalCheckpointer | undefined;
  readonly #synchronous: 'FULL' | 'NORMAL';
  readonly #observer: SqlObserver;

  constructor(config: SqliteDriverConfig) {
    this.#synchronous = config.synchronous;
    this.#observer = config.observer ?? UNOBSERVED;
    this.#writer = new Database(config.filename);
    // Before the journal mode: a database's page size is set by its first write.
    this.#writer.pragma(`page_size = ${PAGE_SIZE}`);
    this.#writer.pragma('journal_mode = WAL');
    this.#writer.pragma(`synchronous = ${config.synchronous}`);
    this.#writer.pragma('foreign_keys = ON');
    this.#writer.pragma('busy_timeout = 5000');
    if (config.filename !== ':memory:') {
      // SQLite's automatic checkpoint stays on as a backstop, well above any one transaction, so
      // it runs only if the background checkpoints fall behind (a 5 MB change writes ~10 MB of
      // frames). Its thresholds count pages: the same bytes whatever the database's page size.
      const pageBytes = Number(this.#writer.pragma('page_size', { simple: true }));
      this.#writer.pragma(`wal_autocheckpoint = ${Math.ceil(BACKSTOP_CHECKPOINT_BYTES / pageBytes)}`);
      this.#checkpointer = new WalCheckpointer(config.filename, config.synchronous, () => {
        // Without the worker, SQLite checkpoints inside COMMIT again, at its default threshold.
        if (this.#writer.open) this.#writer.pragma(`wal_autocheckpoint = ${Math.ceil(DEFAULT_CHECKPOINT_BYTES / pageBytes)}`);
      });
      // A restarted WAL keeps its file (up to WAL_KEPT_BYTES) and is overwritten from the start:
      // syncing a commit that grows the file also syncs the file's new size (ext4: a 1.3 MB
      // commit took 3.4 ms to sync when appended, 1.4-2.9 ms when overwriting). It used to be cut
      // to nothing, so that its size said what it held; WalCheckpointer now reads the frame count.
      this.#writer.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
    }
    // An in-memory database is private to its connection, so reads must share the writer.
    this.#reader = config.filename === ':memory:' ? this.#writer : new Database(config.filename, { readonly: true });
    this.#reader.pragma('busy_timeout = 5000');
    // Page caches below SQLite's default 16 MB each: the OS caches the file anyway, and a 5 MB
    // change filled the writer's cache with pages it never reads again (resident memory kept
    // for the life of the process). Larger transactions spill to the WAL before COMMIT.
    this.#writer.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    if (this.#reader !== this.#writer) this.#reader.pragma(`cache_size = -${READER_CACHE_KIB}`);
    this.#writerExec = executor(this.#writer, this.#observer);
    this.#readerExec = executor(this.#reader, this.#observer);
  }

  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    if (this.#writes(sql)) return this.transaction((tx) => tx.all<T>(sql, params));
    return this.#readerExec.all<T>(sql, params);
  }

  get<T>(sql: string, params?: SqlParams, options?: WriteOptions): Promise<T | undefined> {
    if (this.#writes(sql)) return this.#transaction((tx) => tx.get<T>(sql, params), options);
    return this.#readerExec.get<T>(sql, params);
  }

  run(sql: string, params?: SqlParams, options?: WriteOptions): Promise<number> {
    return this.#transaction((tx) => tx.run(sql, params), options);
  }

  runBatch(sql: string, rows: readonly SqlParams[]): Promise<void> {
    return this.transaction((tx) => tx.runBatch(sql, rows));
  }

  insertMany(table: string, columns: readonly string[], rows: readonly SqlParams[]): Promise<number[]> {
    return this.transaction((tx) => tx.insertMany(table, columns, rows));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: WriteOptions): Promise<T> {
    return this.#transaction(fn, options);
  }

  #transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: WriteOptions): Promise<T> {
    // Deferred durability: this commit is not synced; WAL keeps commits in order, so the next
    // synced commit makes it durable too.
    const deferred = options?.durability === 'deferred' && this.#synchronous === 'FULL';
    // The one write connection is SQLite's pool of one: the wait for it is the wait for the writer.
    const asked = performance.now();
    return this.#mutex.run(async () => {
      this.#observer.connectionWait(performance.now() - asked);
      if (deferred) this.#writer.pragma('synchronous = NORMAL');
      try {
        return await this.#inTransaction(fn);
      } finally {
        if (deferred) this.#writer.pragma('synchronous = FULL');
      }
    });
  }

  /** BEGIN, `fn`, COMMIT (ROLLBACK if anything throws); the caller holds the mutex. */
  async #inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const started = performance.now();
    timed(this.#observer, 'control', () => this.#writer.exec('BEGIN IMMEDIATE'));
    try {
      const result = await fn(this.#writerExec);
      timed(this.#observer, 'control', () => this.#writer.exec('COMMIT'));
      this.#observer.transaction('commit', performance.now() - started);
      this.#checkpointer?.committed();
      return result;
    } catch (error) {
      // A COMMIT that failed for lack of space has usually rolled back already. A failing
      // ROLLBACK must not hide the error that caused it.
      if (this.#writer.inTransaction) {
        try {
          this.#writer.exec('ROLLBACK');
        } catch {
          // SQLite rolls back by itself when it cannot go on; the first error says why.
        }
      }
      this.#observer.transaction('rollback', performance.now() - started);
      throw error;
    }
  }

  /** True for a statement that writes (e.g. UPDATE ... RETURNING), which must go to the writer. */
  #writes(sql: string): boolean {
    let writes = this.#writesCache.get(sql);
    if (writes === undefined) {
      writes = !this.#writer.prepare(sql).readonly;
      this.#writesCache.set(sql, writes);
    }
    return writes;
  }

  async migrate(): Promise<void> {
    await this.#mutex.run(async () => {
      this.#writer.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      const applied = new Set(
        this.#writer.prepare('SELECT version FROM schema_migrations').all().map((row) => (row as { version: number }).version),
      );
      for (const file of migrationFiles()) {
        const version = Number.parseInt(file, 10);
        if (applied.has(version)) continue;
        const sql = readFileSync(MIGRATIONS_DIR + file, 'utf8');
        storage(() => this.#writer.transaction(() => {
          this.#writer.exec(sql);
          this.#writer.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, Date.now());
        })());
      }
    });
  }

  async close(): Promise<void> {
    await this.#checkpointer?.close();
    await this.#mutex.run(async () => {
      if (this.#reader !== this.#writer) this.#reader.close();
      this.#writer.close();
    });
  }
}

/** Runs `fn`, turning a storage failure (full disk, I/O error, ...) into StoreUnavailableError. */
function storage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw unavailableOr(error);
  }
}

/** Runs `fn` (a storage call, synchronous) and reports its time as one statement of `kind`. */
function timed<T>(observer: SqlObserver, kind: StatementKind, fn: () => T): T {
  const started = performance.now();
  try {
    return storage(fn);
  } finally {
    observer.statement(kind, performance.now() - started);
  }
}

/** What a prepared statement does: better-sqlite3 knows whether it leaves the database as it was. */
function kindOf(statement: Database.Statement): StatementKind {
  return statement.readonly ? 'read' : 'write';
}

function executor(db: Database.Database, observer: SqlObserver): SqlExecutor {
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  return {
    async all<T>(sql: string, params: SqlParams = []) {
      const statement = storage(() => prepare(sql));
      return timed(observer, kindOf(statement), () => statement.all(...params) as T[]);
    },
    async get<T>(sql: string, params: SqlParams = []) {
      const statement = storage(() => prepare(sql));
      return timed(observer, kindOf(statement), () => statement.get(...params) as T | undefined);
    },
    async run(sql: string, params: SqlParams = []) {
      const statement = storage(() => prepare(sql));
      return timed(observer, kindOf(statement), () => statement.run(...params).changes);
    },
    async runBatch(sql: string, rows: readonly SqlParams[]) {
      const statement = prepare(sql);
      // One observation for the batch: it is one prepared statement run row after row, in-process.
      timed(observer, kindOf(statement), () => {
        for (const row of rows) statement.run(...row);
      });
    },
    async insertMany(table: string, columns: readonly string[], rows: readonly SqlParams[]) {
      // One prepared single-row insert per row beats a multi-row INSERT ... RETURNING on SQLite.
      const statement = prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      return timed(observer, 'write', () => rows.map((row) => Number(statement.run(...row).lastInsertRowid)));
    },
  };
}
