import Database from 'better-sqlite3';
import pg from 'pg';
import { isConnectionLoss } from './store-unavailable-error.js';

/** What a failed store call says about the database, for the metrics. */
export interface StoreFailure {
  /** `unavailable`: no connection (PostgreSQL down, unreachable); `database`: the engine refused a statement. */
  readonly kind: 'unavailable' | 'database';
  /** SQLite's result code (`SQLITE_FULL`), PostgreSQL's SQLSTATE (`40001`), a socket code, or ''. */
  readonly code: string;
}

/**
 * The store failure an error is, or undefined when it is not one (an error the caller itself
 * threw inside a transaction, such as a domain error or a lost job lease).
 */
export function storeFailureOf(error: unknown): StoreFailure | undefined {
  if (isConnectionLoss(error)) return { kind: 'unavailable', code: codeOf((error as Error).cause ?? error) };
  if (error instanceof Database.SqliteError || error instanceof pg.DatabaseError) return { kind: 'database', code: codeOf(error) };
  return undefined;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  // Codes come from the engine or the OS, never from a request; bounded for a metric label all the same.
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/i.test(code) ? code : '';
}
