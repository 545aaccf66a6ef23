import { vi } from 'vitest';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import type { SqlExecutor } from '../../src/store/sql/sql-driver.js';
import { SqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';

/**
 * Records the SQL of every statement run inside a store transaction by a Trove in this process
 * (either engine), until `stop`: for tests that count how often a path takes a lock or sums a
 * table. The statements still run on the real database.
 */
export function recordTransactionStatements(): { readonly statements: string[]; readonly transactions: string[][]; stop(): void } {
  const statements: string[] = [];
  /** The same statements, one list per transaction (an attempt of one, when it is retried). */
  const transactions: string[][] = [];
  const record = (tx: SqlExecutor, mine: string[]): SqlExecutor => {
    const note = (sql: string) => (statements.push(sql), mine.push(sql));
    return {
      all: (sql, params) => (note(sql), tx.all(sql, params)),
      get: (sql, params, options) => (note(sql), tx.get(sql, params, options)),
      run: (sql, params, options) => (note(sql), tx.run(sql, params, options)),
      runBatch: (sql, rows) => (note(sql), tx.runBatch(sql, rows)),
      insertMany: (table, columns, rows) => tx.insertMany(table, columns, rows),
    };
  };
  const spies = [SqliteDriver.prototype, PostgresDriver.prototype].map((prototype) => {
    const original = prototype.transaction;
    return vi.spyOn(prototype, 'transaction').mockImplementation(function (this: unknown, fn, options) {
      return original.call(this, (tx: SqlExecutor) => {
        const mine: string[] = [];
        transactions.push(mine);
        return fn(record(tx, mine));
      }, options) as never;
    });
  });
  return { statements, transactions, stop: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** A query a Trove in this process ran, with what its rows brought back. */
export interface ReadStatement {
  readonly sql: string;
  readonly rows: number;
  /** Bytes of text (UTF-8) and binary values in all its rows. */
  readonly bytes: number;
}

/**
 * Records every query (`all`, `get`) a Trove in this process runs on either engine, inside a
 * transaction or not, with the bytes of text its rows brought back, until `stop`: for tests that
 * check a read stays within a byte budget whatever the statements look like. The statements still
 * run on the real database.
 */
export function recordReads(): { readonly reads: ReadStatement[]; stop(): void } {
  const reads: ReadStatement[] = [];
  const note = (sql: string, rows: readonly unknown[]) => {
    let bytes = 0;
    for (const row of rows) {
      for (const value of Object.values(row as Record<string, unknown>)) {
        if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
        else if (Buffer.isBuffer(value)) bytes += value.byteLength;
      }
    }
    reads.push({ sql, rows: rows.length, bytes });
  };
  const noted = <T>(sql: string, read: Promise<T[]>) => read.then((rows) => (note(sql, rows), rows));
  const notedOne = <T>(sql: string, read: Promise<T | undefined>) => read.then((row) => (note(sql, row === undefined ? [] : [row]), row));
  const record = (tx: SqlExecutor): SqlExecutor => ({
    all: (sql, params) => noted(sql, tx.all(sql, params)),
    get: (sql, params, options) => notedOne(sql, tx.get(sql, params, options)),
    run: (sql, params, options) => tx.run(sql, params, options),
    runBatch: (sql, rows) => tx.runBatch(sql, rows),
    insertMany: (table, columns, rows) => tx.insertMany(table, columns, rows),
  });
  const spies = [SqliteDriver.prototype, PostgresDriver.prototype].flatMap((prototype) => {
    const { all, get, transaction } = prototype;
    return [
      vi.spyOn(prototype, 'all').mockImplementation(function (this: unknown, sql, params) {
        return noted(sql, all.call(this, sql, params)) as never;
      }),
      vi.spyOn(prototype, 'get').mockImplementation(function (this: unknown, sql, params, options) {
        return notedOne(sql, get.call(this, sql, params, options)) as never;
      }),
      vi.spyOn(prototype, 'transaction').mockImplementation(function (this: unknown, fn, options) {
        return transaction.call(this, (tx: SqlExecutor) => fn(record(tx)), options) as never;
      }),
    ];
  });
  return { reads, stop: () => spies.forEach((spy) => spy.mockRestore()) };
}
