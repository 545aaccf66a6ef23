/**
 * The database could not be reached (refused, dropped, shut down, timed out) or cannot write
 * (disk full, I/O error, read-only). Each protocol renders it as its modelled 500 (Rekognition
 * `InternalServerError`, AgentCore `InternalServerException`), the job runner backs off and keeps
 * polling through it, and `/_trove/health` answers 503 with the reason while it lasts. Nothing
 * needs a restart: the pool replaces dead connections, and writes succeed again once there is room.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`${cannotWrite(cause) ? 'The database cannot write' : 'The database is unavailable'}: ${describe(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** The message every protocol's modelled 500 carries while the database is unreachable or cannot write. */
export const STORE_UNAVAILABLE = 'The service is temporarily unable to use its database. Try again.';

/** Human-readable reason, without connection strings or credentials. */
function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/** Node socket errors that mean "no connection to the database", not "bad statement". */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'ENOENT',
]);

/**
 * PostgreSQL SQLSTATEs of an unusable connection: class 08 (connection exception), 57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;

/** Messages node-postgres uses for a connection that died or never came up (it sets no code). */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection ended unexpectedly',
  // pg's client-side query_timeout: the server did not answer in time (e.g. a silent partition).
  'Query read timeout',
];

/**
 * The database answers but cannot write: SQLite's full disk, I/O errors, a file turned read-only
 * or locked by another program; PostgreSQL's insufficient resources (class 53: disk full, out of
 * memory), a read-only transaction (a standby after failover) and I/O errors. Transient in the
 * sense that matters: the same statement succeeds once an operator has made room.
 */
const SQLITE_CANNOT_WRITE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|NOMEM)/;
const CANNOT_WRITE_SQLSTATES = /^(53...|25006|58030)$/;

/** True when `error` says the database cannot write right now (as opposed to a wrong statement). */
export function cannotWrite(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return cannotWrite(error.cause);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (SQLITE_CANNOT_WRITE.test(code) || (CANNOT_WRITE_SQLSTATES.test(code) && code !== '53300'));
}

/** A failure of the database itself (unreachable, or cannot write) becomes StoreUnavailableError; anything else passes through. */
export function unavailableOr(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  return isConnectionLoss(error) || cannotWrite(error) ? new StoreUnavailableError(error) : error;
}

/** True when `error` means the database is unreachable rather than the statement being wrong. */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message))) return true;
  // AggregateError from a host name that resolves to several addresses, all refused.
  if (error instanceof AggregateError) return error.errors.some((inner) => isConnectionLoss(inner));
  return false;
}
