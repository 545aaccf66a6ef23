import pg from 'pg';
import { UNOBSERVED } from '../sql/sql-driver.js';
import type { PoolStats, SqlDialect, SqlDriver, SqlExecutor, SqlObserver, SqlParams, WriteOptions } from '../sql/sql-driver.js';
import { isConnectionLoss, StoreUnavailableError, unavailableOr } from '../store-unavailable-error.js';
import { KEY_LOCK, onClient, SqlCache } from './client-executor.js';
import { applyMigrations } from './migrate.js';
import { PlannerStatistics } from './planner-statistics.js';
import { readTrigramStatistics } from './trigram-statistics.js';

export interface PostgresDriverConfig {
  /** postgres://user:password@host:port/database?options */
  readonly url: string;
  /** Connections this node keeps at most (requests, job transactions and heartbeats share them). */
  readonly poolSize: number;
  /** Called for errors of idle connections (e.g. the server restarted); the pool replaces them. */
  readonly onConnectionError?: (error: Error) => void;
  /** Sees each statement's, transaction's and connection wait's time (for the metrics). */
  readonly observer?: SqlObserver;
  /** Things worth an operator's attention found while migrating (applyMigrations); for logging. */
  readonly onWarning?: (message: string) => void;
}

const dialect: SqlDialect = {
  name: 'postgres', skipLocked: 'FOR UPDATE SKIP LOCKED', forUpdate: 'FOR UPDATE', forKeyShare: 'FOR KEY SHARE', substringIndex: 'pg_trgm', notIndexed: '', noStatementRollback: '',
  indexedBy: () => '', readsRowsToFilter: true, remote: true, trigramStatistics: readTrigramStatistics, keyLock: KEY_LOCK,
  lockWait: { limit: (ms) => `SET LOCAL lock_timeout = ${Math.max(1, Math.trunc(ms))}`, unlimit: 'SET LOCAL lock_timeout TO DEFAULT' },
};

/**
 * Sessions of the current database waiting for a heavyweight lock (row locks, advisory locks,
 * table locks): one pass over pg_stat_activity, a row per server connection.
 */
const LOCK_WAITS = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
/** How long the scrape-time lock reading may take before the scrape goes on without it. */
const LOCK_WAITS_TIMEOUT_MS = 1_000;

// The repositories read ids, counters and epoch-ms times as JS numbers (all well below 2^53),
// so BIGINT (int8) is parsed as a number for this pool only, not globally.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * PostgreSQL behind the async SqlDriver interface, for several Trove nodes sharing one database.
 * Statements outside a transaction take any pooled connection; a transaction keeps one
 * connection from BEGIN to COMMIT. A lost connection surfaces as StoreUnavailableError and is
 * dropped from the pool, which opens fresh ones once the database answers again.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = dialect;
  readonly #pool: pg.Pool;
  readonly #sqlCache = new SqlCache();
  readonly #statistics: PlannerStatistics;
  readonly #poolSize: number;
  readonly #observer: SqlObserver;
  readonly #onWarning: (message: string) => void;
  /** Writes refused because the session was read-only (SQLSTATE 25006), so far. */
  #readOnlyRefusals = 0;
  /** How many such refusals there had been when each pooled session was opened. */
  readonly #openedAfter = new WeakMap<object, number>();

  constructor(config: PostgresDriverConfig) {
    const report = config.onConnectionError ?? (() => undefined);
    this.#poolSize = config.poolSize;
    this.#observer = config.observer ?? UNOBSERVED;
    this.#onWarning = config.onWarning ?? (() => undefined);
    this.#pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize,
      types,
      application_name: 'trove',
      // A database that does not answer fails the request (a modelled 500) instead of hanging it:
      // no connection within 10 s, or no answer to a statement within 60 s (no Trove statement
      // takes more than a few seconds; the connection is then discarded).
      connectionTimeoutMillis: 10_000,
      query_timeout: 60_000,
      // TCP keepalive: probe a connection after 10 s of silence, so one dropped without a reset
      // (a partition, a dead host) is eventually noticed and replaced.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Without these listeners a connection dropped by the server would crash the process. The
    // pool reports idle connections' errors; a checked-out one's error also fails its query.
    this.#pool.on('error', report);
    this.#pool.on('connect', (client) => {
      this.#openedAfter.set(client, this.#readOnlyRefusals);
      client.on('error', () => undefined);
      // No parallel plans: a listing page is a UNION ALL under one LIMIT (rk-entry-listing.ts,
      // #stretch) whose parts must come out in order (the walk's matches, then what lies beyond
      // it); a Parallel Append may interleave them, and the LIMIT would then cut the wrong rows.
      // Trove's statements read pages and counters, where parallel workers bring nothing. A SET
      // rather than a startup option, which connection poolers such as PgBouncer refuse; the
      // client sends it before any statement it is given. Behind a transaction pooler it reaches
      // one server session only: migration makes it the role's default in the database as well
      // (migrate.ts, defaultToSerialPlans), which every session opened later starts with.
      client.query('SET max_parallel_workers_per_gather = 0').catch(() => undefined);
    });
    this.#statistics = new PlannerStatistics((table) => this.#withClient(async (client) => {
      // Table names come from the repositories' own INSERT statements, never from a request.
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) return 0;
      // VACUUM as well: it sets the visibility map of the pages written since, so that index-only
      // scans stay index-only (a listing's walk tests its filters on index entries alone).
      // TRUNCATE false: giving empty pages at the table's end back to the system takes a lock
      // that stops readers for a moment, and a listing never needs it.
      await client.query(`VACUUM (ANALYZE, TRUNCATE false) ${table}`);
      const { rows } = await client.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass', [table]);
      return Number(rows[0]?.n ?? 0);
    }));
  }

  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.#onceMoreIfReadOnly(() => this.#withClient((client) => onClient(client, this.#sqlCache, this.#observer).all<T>(sql, params)));
  }

  get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.#onceMoreIfReadOnly(() => this.#withClient((client) => onClient(client, this.#sqlCache, this.#observer).get<T>(sql, params)));
  }

  run(sql: string, params?: SqlParams): Promise<number> {
    return this.#onceMoreIfReadOnly(() => this.#withClient((client) => onClient(client, this.#sqlCache, this.#observer).run(sql, params)));
  }

  runBatch(sql: string, rows: readonly SqlParams[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.transaction((tx) => tx.runBatch(sql, rows));
  }

  insertMany(table: string, columns: readonly string[], rows: readonly SqlParams[]): Promise<number[]> {
    return this.transaction((tx) => tx.insertMany(table, columns, rows));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: WriteOptions): Promise<T> {
    return this.#onceMoreIfReadOnly(() => this.#withClient(async (client, discard) => {
      const written = new Map<string, number>();
      const tx = onClient(client, this.#sqlCache, this.#observer, written);
      const started = performance.now();
      await tx.run('BEGIN');
      try {
        // Deferred durability: COMMIT returns before the WAL is flushed (the WAL writer flushes it
        // within a fraction of a second, and any synchronous commit after it flushes it first).
        if (options?.durability === 'deferred') await tx.run('SET LOCAL synchronous_commit = off');
        const result = await fn(tx);
        await tx.run('COMMIT');
        this.#observer.transaction('commit', performance.now() - started);
        this.#statistics.committed(written);
        return result;
      } catch (error) {
        // A dead connection has no transaction left to roll back; #withClient discards it (also
        // one the database refused a write on: a standby after failover is better replaced). A
        // connection whose ROLLBACK fails must not go back to the pool still inside a transaction.
        if (!isConnectionLoss(error)) await tx.run('ROLLBACK').catch(discard);
        this.#observer.transaction('rollback', performance.now() - started);
        throw error;
      }
    }));
  }

  poolStats(): PoolStats {
    return { max: this.#poolSize, total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  /**
   * Read at scrape time, never at the expense of the requests: skipped (undefined) when no pooled
   * connection is free, and given up after LOCK_WAITS_TIMEOUT_MS in all, opening a connection
   * included (one to a database that does not answer may wait connectionTimeoutMillis, as long as
   * a whole Prometheus scrape may take); any failure reads as undefined.
   */
  async lockWaits(): Promise<number | undefined> {
    if (this.#pool.idleCount === 0 && this.#pool.totalCount >= this.#poolSize) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, LOCK_WAITS_TIMEOUT_MS, undefined);
    });
    try {
      // A reading given up on goes on by itself, bounded by the pool's own timeouts, and hands its
      // connection back when it ends.
      return await Promise.race([this.#readLockWaits(), givenUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #readLockWaits(): Promise<number | undefined> {
    let client: pg.PoolClient | undefined;
    let failed: Error | undefined;
    try {
      // Checked out and awaited, not pool.query: a fresh connection's SET (above) must go first.
      client = await this.#pool.connect();
      const { rows } = await client.query<{ n: number }>({ text: LOCK_WAITS, query_timeout: LOCK_WAITS_TIMEOUT_MS } as pg.QueryConfig);
      return rows[0]?.n;
    } catch (error) {
      // A timed-out connection may still be running the query: it is dropped, not reused.
      failed = error instanceof Error ? error : new Error(String(error));
      return undefined;
    } finally {
      client?.release(failed);
    }
  }

  async migrate(): Promise<void> {
    const { warnings } = await this.#withClient((client) => applyMigrations(client));
    for (const warning of warnings) this.#onWarning(warning);
  }

  async close(): Promise<void> {
    await this.#statistics.stop();
    await this.#pool.end();
  }

  /**
   * Runs `op` (a statement, or a whole transaction) once more when the database refused a write
   * because the session was read-only: sessions opened while the database was read-only (a
   * standby, or `default_transaction_read_only` during an outage) stay so after it can write
   * again, and the pool would hand them out one after another, failing a request each. The first
   * refusal marks every session opened before it for replacement (#withClient), so the second
   * run has a session opened since: it succeeds if the database can write now, and fails as
   * before if it still cannot. Nothing was written by the refused run (its transaction rolled back).
   *
   * So a transaction's callback may run twice. The rule for callers: nothing outside the
   * transaction (in-memory state, events, object-store writes) may change before its first write
   * or row-locking read (SELECT ... FOR UPDATE/SHARE), where a read-only session refuses it; once
   * one of those passed, the session writes, and no later statement is refused as read-only. Every
   * job transaction locks its lease first (JobRunner's guarded context), so the revision writer's
   * counters and change log never see a refused run; the request paths write or lock before any
   * outside effect (CreateProject takes an ARN stamp first: a refused run only skips one).
   * test/integration/postgres/driver.test.ts checks that a locking read is refused.
   */
  async #onceMoreIfReadOnly<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      if (!refusedAsReadOnly(error)) throw error;
      this.#observer.retried();
      return op();
    }
  }

  /**
   * Checks out a connection; one that failed with a connection error is destroyed, not reused,
   * and so is one opened before the last read-only refusal (it may be read-only itself).
   */
  async #withClient<T>(fn: (client: pg.PoolClient, discard: (reason: unknown) => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    const asked = performance.now();
    try {
      client = await this.#pool.connect();
      while ((this.#openedAfter.get(client) ?? 0) < this.#readOnlyRefusals) {
        client.release(new Error('opened before the database refused a write as read-only'));
        client = await this.#pool.connect();
      }
    } catch (error) {
      throw unavailableOr(error);
    } finally {
      this.#observer.connectionWait(performance.now() - asked);
    }
    let broken: Error | undefined;
    const discard = (reason: unknown) => void (broken = reason instanceof Error ? reason : new Error(String(reason)));
    try {
      return await fn(client, discard);
    } catch (error) {
      if (isConnectionLoss(error)) discard(error);
      if (refusedAsReadOnly(error)) {
        discard(error);
        this.#readOnlyRefusals++;
      }
      throw unavailableOr(error);
    } finally {
      client.release(broken);
    }
  }
}

/** SQLSTATE 25006 read_only_sql_transaction: a write in a read-only session (possibly wrapped as StoreUnavailableError). */
function refusedAsReadOnly(error: unknown): boolean {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  return cause instanceof Error && (cause as { code?: unknown }).code === '25006';
}
