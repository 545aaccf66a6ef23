/** Values the SQL layer passes to and reads from both engines. Booleans are stored as 0/1. */
export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[];

/** How a write (a statement run outside a transaction, or a whole transaction) must reach the disk. */
export interface WriteOptions {
  /**
   * 'deferred': the write is on disk with the next ordinary commit, not necessarily before; a
   * power failure may lose it (never half of it, and only with every commit after it), a process
   * crash does not. For writes that are simply redone when lost: a job's lease (an embedded store
   * hands every job back at start-up anyway), and a job's finishing transaction that only
   * publishes what its accepting transaction already made durable (lost, the job row is back
   * and the job runs again). SQLite skips the sync of that one commit; PostgreSQL commits such a
   * transaction asynchronously (`synchronous_commit = off`) and ignores it for single statements.
   * The write-ahead logs of both are sequential, so the next ordinary commit makes it durable too.
   */
  readonly durability?: 'deferred';
}

/**
 * Runs statements written once in the SQL both engines understand: `?` placeholders (the
 * PostgreSQL driver rewrites them to `$n`), `INSERT ... ON CONFLICT`, `RETURNING`.
 * Every method is async so SQLite and PostgreSQL present the same interface (Kysely's pattern).
 */
export interface SqlExecutor {
  /** All rows of a query. */
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T>(sql: string, params?: SqlParams, options?: WriteOptions): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows changed. */
  run(sql: string, params?: SqlParams, options?: WriteOptions): Promise<number>;
  /** Runs one statement once per parameter row: the bulk path (prepared once, no per-row round trip). */
  runBatch(sql: string, rows: readonly SqlParams[]): Promise<void>;
  /**
   * Inserts rows into a table whose primary key is a generated integer `id` and resolves to the
   * new ids in the order of `rows`. `columns` names the values of each row.
   */
  insertMany(table: string, columns: readonly string[], rows: readonly SqlParams[]): Promise<number[]>;
}

/**
 * A statement gave up waiting for a row lock (SqlDialect.lockWait): another transaction holds the
 * row. The transaction is spoiled (PostgreSQL aborts it): let it roll back and answer "busy".
 */
export class RowLockBusyError extends Error {
  constructor(cause: unknown) {
    super('a row lock was not granted in time', { cause });
  }
}

/** SQLSTATE 55P03 lock_not_available: lock_timeout passed (or NOWAIT). */
export function isLockNotAvailable(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '55P03';
}

/** Engine differences, named as capabilities rather than `if (sqlite)` branches. */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Row-lock clause for a claim subquery: `FOR UPDATE SKIP LOCKED` on PostgreSQL, nothing on SQLite. */
  readonly skipLocked: string;
  /** Row-lock clause that makes concurrent writers of one row queue up: `FOR UPDATE` or nothing. */
  readonly forUpdate: string;
  /**
   * Row-lock clause a job transaction takes on its job row: it makes a takeover's
   * `FOR UPDATE SKIP LOCKED` pass the row by, yet lets the heartbeat's UPDATE through
   * (`FOR KEY SHARE` on PostgreSQL, nothing on SQLite).
   */
  readonly forKeyShare: string;
  /**
   * How `SourceRefContains` finds substrings: an FTS5 trigram table kept beside the entries
   * (SQLite), or a pg_trgm index on the column itself (PostgreSQL).
   */
  readonly substringIndex: 'fts5' | 'pg_trgm';
  /**
   * Pins a table in a FROM clause to one of its indexes: `INDEXED BY index` on SQLite, whose
   * planner has no statistics to tell a small partial index from the whole table; nothing on
   * PostgreSQL, whose planner has them.
   */
  indexedBy(index: string): string;
  /**
   * Written before a column so the planner does not drive the query by an index on it: `+` on
   * SQLite, whose planner has no statistics (Trove never runs ANALYZE there) and would rather
   * walk a range of a wide partial index than probe a narrow one; nothing on PostgreSQL, whose
   * planner has statistics and whose partial-index proofs need the bare column.
   */
  readonly notIndexed: '+' | '';
  /**
   * Written after the verb of a multi-row write inside a transaction (`UPDATE ${noStatementRollback} t ...`)
   * that no constraint can stop halfway: `OR FAIL` on SQLite, nothing on PostgreSQL. SQLite then
   * keeps no statement journal, the copy of each page the statement changes that would undo the
   * statement alone. Trove never needs that: any error rolls the whole transaction back. The
   * journal spills to a temp file of its own past 64 KiB (4 pages of 16 KiB), so superseding
   * 1,000 examples wrote ~0.5-2 MB to a new file under /var/tmp in every accepting transaction.
   */
  readonly noStatementRollback: 'OR FAIL' | '';
  /**
   * A statement (one `?`: a text key) that holds a lock named by the key until the transaction
   * ends, so that transactions which count rows before adding one (quotas) take turns per key
   * while other keys go on: `pg_advisory_xact_lock` on a 64-bit hash of the key (PostgreSQL,
   * where several nodes count at once under READ COMMITTED); '' on SQLite, where nothing is
   * run: its one writer runs transactions one after the other already (BEGIN IMMEDIATE).
   */
  readonly keyLock: string;
  /**
   * Statements that bound, then unbound, how long the transaction's next statements wait for a
   * row lock (`SET LOCAL lock_timeout`, PostgreSQL: a wait past it fails with SQLSTATE 55P03,
   * RowLockBusyError); undefined on SQLite, whose one writer never waits on a row.
   */
  readonly lockWait?: { readonly limit: (ms: number) => string; readonly unlimit: string };
  /**
   * True when a walk along an index reads each row before testing the WHERE terms an index-only
   * scan could test (PostgreSQL's index scans; SQLite tests the index entry and seeks the row only
   * for what passes). Listings that pass many rows by then read ids first, then the page's lines.
   */
  readonly readsRowsToFilter: boolean;
  /**
   * True when each statement is a round trip to a server (PostgreSQL): a listing then reads a page
   * in one statement where it can (e.g. several labels' walks, merged, with the page's lines);
   * SQLite runs its statements in-process and keeps them simple, each on its ordered index.
   */
  readonly remote: boolean;
  /**
   * PostgreSQL: how common each pg_trgm trigram of the source-refs is, from the planner's
   * statistics (undefined until ANALYZE has run, or where the server keeps none of expressions).
   */
  readonly trigramStatistics?: (db: SqlExecutor) => Promise<TrigramStatistics | undefined>;
}

/** Planner statistics of the source-refs' trigrams (all datasets: the trigram index is shared too). */
export interface TrigramStatistics {
  /** Entry rows about, all of them and the entries without labels or with errors. */
  readonly rows: Readonly<Record<'every' | 'unlabeled' | 'errors', number>>;
  /** The share of source-refs (of the entries in `scope`, all by default) that hold `trigram` (lowercase, pg_trgm's form), about. */
  share(trigram: string, scope?: 'every' | 'unlabeled' | 'errors'): number;
  /** True when `scope` has statistics of its own (else share() answers with those of all source-refs). */
  ownScope(scope: 'unlabeled' | 'errors'): boolean;
}

/** A connection pool's use right now (PostgreSQL; the embedded store has no pool). */
export interface PoolStats {
  /** Connections the pool may open at most. */
  readonly max: number;
  /** Connections open now, idle or checked out. */
  readonly total: number;
  readonly idle: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
}

/** What a statement does, for the metrics: reads, writes, or ends/begins/sets up a transaction. */
export type StatementKind = 'read' | 'write' | 'control';

/**
 * Where a driver reports how long its work took, for the metrics (passed in by whoever opens the
 * store: the store never imports the metrics library). Called on every statement, so an
 * implementation must cost next to nothing (observability/metrics.ts takes its series up front).
 */
export interface SqlObserver {
  /** One statement (on PostgreSQL a batch's round trip), from sending it to its answer. */
  statement(kind: StatementKind, ms: number): void;
  /** One transaction, from BEGIN to its COMMIT, or to its ROLLBACK when anything failed. */
  transaction(outcome: 'commit' | 'rollback', ms: number): void;
  /** A statement or transaction run once more because its session was read-only (PostgreSQL). */
  retried(): void;
  /** Waiting for a connection: PostgreSQL's pool, SQLite's one write connection. */
  connectionWait(ms: number): void;
  /** Waiting for a key lock (SqlDialect.keyLock: PostgreSQL's advisory quota locks) to be granted. */
  keyLockWait(ms: number): void;
}

/** The observer of a driver nobody watches. */
export const UNOBSERVED: SqlObserver = {
  statement: () => undefined, transaction: () => undefined, retried: () => undefined, connectionWait: () => undefined, keyLockWait: () => undefined,
};

export interface SqlDriver extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** The connection pool's use, where the engine has one. */
  poolStats?(): PoolStats;
  /**
   * Sessions of this database waiting for a lock right now (any node's), where the engine can
   * tell; undefined when it cannot be read cheaply this time. For the metrics, at scrape time.
   */
  lockWaits?(): Promise<number | undefined>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Statements issued through `tx` are the only ones inside the transaction.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** Applies pending numbered migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Placeholders `?, ?, ...` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
