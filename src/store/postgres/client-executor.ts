import type pg from 'pg';
import type { SqlExecutor, SqlObserver, SqlParams, SqlValue, StatementKind } from '../sql/sql-driver.js';
import { unavailableOr } from '../store-unavailable-error.js';
import { expandInsert, insertTemplate, rowsPerStatement, toPositional, withLiterals } from './sql-text.js';
import type { InsertTemplate } from './sql-text.js';

/**
 * The key lock (SqlDialect.keyLock): a 64-bit hash of the key, so that two keys sharing a lock
 * (harmless: they only take turns) is as unlikely as it gets (hashtextextended, PostgreSQL 11+);
 * the migrations' lock is a key of the same space. Named here so its waits are timed apart.
 */
export const KEY_LOCK = 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))';

/** Statements per simple-protocol round trip in a non-INSERT batch, and their text size at most. */
const STATEMENTS_PER_TRIP = 500;
const CHARS_PER_TRIP = 1 << 20;

/**
 * The SqlExecutor of one checked-out connection. Bulk paths cost few round trips: a one-row
 * INSERT batch becomes multi-row INSERTs of up to 1000 rows; any other batched statement
 * (including upserts with DO UPDATE) is sent as up to 500 statements in one round trip, each
 * still run once per row, in order, exactly as SQLite runs them. Rows bulk-inserted are counted
 * per table in `written`, when given. Each round trip's time goes to `observer`.
 */
export function onClient(client: pg.ClientBase, cache: SqlCache, observer: SqlObserver, written?: Map<string, number>): SqlExecutor {
  const query = async <T>(sql: string, params: SqlParams = []): Promise<pg.QueryResult<T & pg.QueryResultRow>> => {
    const started = performance.now();
    try {
      return await client.query<T & pg.QueryResultRow>(cache.positional(sql), params as SqlValue[]);
    } catch (error) {
      throw unavailableOr(error);
    } finally {
      const ms = performance.now() - started;
      observer.statement(cache.kind(sql), ms);
      if (sql === KEY_LOCK) observer.keyLockWait(ms);
    }
  };
  const simple = async (text: string): Promise<void> => {
    const started = performance.now();
    try {
      await client.query(text);
    } catch (error) {
      throw unavailableOr(error);
    } finally {
      // Only batches of writes take this path (runBatch).
      observer.statement('write', performance.now() - started);
    }
  };
  const insertRows = async (template: InsertTemplate, rows: readonly SqlParams[]) => {
    // Bulk inserts are tallied per table for the planner statistics (postgres-driver.ts).
    if (written) written.set(template.table, (written.get(template.table) ?? 0) + rows.length);
    const perStatement = rowsPerStatement(template.width);
    for (let i = 0; i < rows.length; i += perStatement) {
      const slice = rows.slice(i, i + perStatement);
      await query(cache.expanded(template, slice.length), slice.flat());
    }
  };
  return {
    async all<T>(sql: string, params?: SqlParams) {
      return (await query<T>(sql, params)).rows as T[];
    },
    async get<T>(sql: string, params?: SqlParams) {
      return (await query<T>(sql, params)).rows[0] as T | undefined;
    },
    async run(sql: string, params?: SqlParams) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async runBatch(sql: string, rows: readonly SqlParams[]) {
      if (rows.length === 0) return;
      const template = cache.insert(sql);
      // One multi-row statement may not update the same row twice (ON CONFLICT DO UPDATE), where
      // row-by-row statements may: such upserts take the statement-per-row path below.
      if (template && !/\bDO\s+UPDATE\b/i.test(template.tail)) return insertRows(template, rows);
      let text = '';
      let count = 0;
      for (const row of rows) {
        text += `${withLiterals(sql, row)};\n`;
        if (++count >= STATEMENTS_PER_TRIP || text.length >= CHARS_PER_TRIP) {
          await simple(text);
          text = '';
          count = 0;
        }
      }
      if (text) await simple(text);
    },
    /**
     * Ids are taken from the table's identity sequence first, in one round trip, and written
     * explicitly: that gives each row its id in the order of `rows` (RETURNING promises no order).
     */
    async insertMany(table: string, columns: readonly string[], rows: readonly SqlParams[]) {
      if (rows.length === 0) return [];
      const sequence = await cache.sequence(table, async () => {
        const row = (await query<{ seq: string | null }>("SELECT pg_get_serial_sequence(?, 'id') AS seq", [table])).rows[0];
        if (!row?.seq) throw new Error(`${table}.id has no identity sequence`);
        return row.seq;
      });
      const ids = (await query<{ id: number }>('SELECT nextval(?::regclass) AS id FROM generate_series(1, ?)', [sequence, rows.length]))
        .rows.map((row) => Number(row.id)).sort((a, b) => a - b);
      const sql = `INSERT INTO ${table} (id, ${columns.join(', ')}) VALUES (${['id', ...columns].map(() => '?').join(', ')})`;
      await insertRows(cache.insert(sql)!, rows.map((row, i) => [ids[i], ...row]));
      return ids;
    },
  };
}

const CACHE_LIMIT = 4_096;

/** Rewritten statement texts and identity sequences, bounded (multi-row variants are many but finite). */
export class SqlCache {
  readonly #positional = new Map<string, string>();
  readonly #templates = new Map<string, InsertTemplate | null>();
  readonly #expanded = new Map<string, string>();
  readonly #sequences = new Map<string, Promise<string>>();
  readonly #kinds = new Map<string, StatementKind>();

  positional(sql: string): string {
    return cached(this.#positional, sql, () => toPositional(sql));
  }

  kind(sql: string): StatementKind {
    return cached(this.#kinds, sql, () => statementKind(sql));
  }

  insert(sql: string): InsertTemplate | undefined {
    return cached(this.#templates, sql, () => insertTemplate(sql) ?? null) ?? undefined;
  }

  expanded(template: InsertTemplate, rows: number): string {
    return cached(this.#expanded, `${rows}\u0000${template.head}${template.tuple}${template.tail}`, () => expandInsert(template, rows));
  }

  sequence(table: string, find: () => Promise<string>): Promise<string> {
    const found = cached(this.#sequences, table, find);
    found.catch(() => this.#sequences.delete(table));
    return found;
  }
}

/** A row-locking clause of a SELECT (FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE). */
const LOCKING_CLAUSE = /\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b/gi;

/**
 * What a statement does, from its first word: transaction control, a read (SELECT, also a locking
 * one, or a WITH query that changes nothing) or a write. Read once per statement text (cached).
 */
export function statementKind(sql: string): StatementKind {
  const verb = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase();
  if (verb === 'BEGIN' || verb === 'COMMIT' || verb === 'ROLLBACK' || verb === 'SET' || verb === 'SAVEPOINT' || verb === 'RELEASE') return 'control';
  if (verb === 'SELECT' || verb === 'VALUES') return 'read';
  // A locking clause's UPDATE/SHARE is no write: locking reads are reads, with WITH as without.
  if (verb === 'WITH' && !/\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(sql.replace(LOCKING_CLAUSE, ' '))) return 'read';
  return 'write';
}

function cached<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= CACHE_LIMIT) map.clear();
    value = make();
    map.set(key, value);
  }
  return value;
}
