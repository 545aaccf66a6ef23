import type pg from 'pg';
import type { SqlExecutor, SqlParams, SqlValue } from '../sql/sql-driver.js';
import { unavailableOr } from '../store-unavailable-error.js';
import { expandInsert, insertTemplate, rowsPerStatement, toPositional, withLiterals } from './sql-text.js';
import type { InsertTemplate } from './sql-text.js';

/** Statements per simple-protocol round trip in a non-INSERT batch, and their text size at most. */
const STATEMENTS_PER_TRIP = 500;
const CHARS_PER_TRIP = 1 << 20;

/**
 * The SqlExecutor of one checked-out connection. Bulk paths cost few round trips: a one-row
 * INSERT batch becomes multi-row INSERTs of up to 1000 rows; any other batched statement
 * (including upserts with DO UPDATE) is sent as up to 500 statements in one round trip, each
 * still run once per row, in order, exactly as SQLite runs them. Rows bulk-inserted are counted
 * per table in `written`, when given.
 */
export function onClient(client: pg.ClientBase, cache: SqlCache, written?: Map<string, number>): SqlExecutor {
  const query = async <T>(sql: string, params: SqlParams = []): Promise<pg.QueryResult<T & pg.QueryResultRow>> => {
    const text = cache.positional(sql);
    const values = params as SqlValue[];
    const name = cache.statementName(text);
    try {
      return await client.query<T & pg.QueryResultRow>(name ? { name, text, values } : text, values);
    } catch (error) {
      // A migration (another node's, during a rolling upgrade) changed what a prepared statement
      // returns: PostgreSQL refuses to run it again, so the text gets a new name. Outside a
      // transaction (`written` is given for transactions only) the statement runs again at once;
      // inside one nothing more can run, and the transaction fails.
      if (name && (error as { code?: unknown }).code === '0A000') {
        cache.forgetName(text);
        if (!written) return query<T>(sql, params);
      }
      throw unavailableOr(error);
    }
  };
  const simple = async (text: string): Promise<void> => {
    try {
      await client.query(text);
    } catch (error) {
      throw unavailableOr(error);
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
/**
 * Statements kept prepared (named) per connection, at most: a statement's text is prepared from
 * its second run on, until this many are (the rest run unnamed as before). Each one holds its
 * parse tree in every pooled session that ran it.
 */
const PREPARED_LIMIT = 512;
/** Longer texts (multi-row INSERTs) are never prepared: few runs each, large parse trees. */
const PREPARED_CHARS = 16_384;
/** Statements that can be prepared (not BEGIN, SET, VACUUM, ...). */
const PREPARABLE = /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i;

/** Rewritten statement texts and identity sequences, bounded (multi-row variants are many but finite). */
export class SqlCache {
  readonly #positional = new Map<string, string>();
  readonly #templates = new Map<string, InsertTemplate | null>();
  readonly #expanded = new Map<string, string>();
  readonly #sequences = new Map<string, Promise<string>>();
  /** Runs of each statement text not yet prepared (#names), bounded like the caches above. */
  readonly #runs = new Map<string, number>();
  /** Names of the prepared statements, by text; a name is never given to another text. */
  readonly #names = new Map<string, string>();
  #named = 0;

  /**
   * The name to run a statement text under, from its second run on: PostgreSQL then parses and
   * analyses it once per connection instead of on every run (a third of a listing page's
   * statement time, measured: docs/postgres.md, "Prepared statements"). Each run is still planned
   * with its parameters (the driver sets `plan_cache_mode = force_custom_plan`), so plans are
   * those of an unnamed statement. Undefined: run it unnamed.
   */
  statementName(text: string): string | undefined {
    const name = this.#names.get(text);
    if (name !== undefined) return name;
    if (this.#names.size >= PREPARED_LIMIT || text.length > PREPARED_CHARS || !PREPARABLE.test(text)) return undefined;
    const runs = cached(this.#runs, text, () => 0) + 1;
    this.#runs.set(text, runs);
    if (runs < 2) return undefined;
    this.#runs.delete(text);
    const named = `trove_${++this.#named}`;
    this.#names.set(text, named);
    return named;
  }

  /** A prepared statement PostgreSQL refuses to run again: its text gets a new name on its next run. */
  forgetName(text: string): void {
    this.#names.delete(text);
  }

  positional(sql: string): string {
    return cached(this.#positional, sql, () => toPositional(sql));
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

function cached<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= CACHE_LIMIT) map.clear();
    value = make();
    map.set(key, value);
  }
  return value;
}
