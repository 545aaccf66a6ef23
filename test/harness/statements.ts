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
