import { describe, expect, it } from 'vitest';
import { cannotWrite, isConnectionLoss, StoreUnavailableError, unavailableOr } from '../../../src/store/store-unavailable-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isConnectionLoss', () => {
  it('recognises a database that is unreachable, gone or shutting down', () => {
    expect(isConnectionLoss(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isConnectionLoss(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isConnectionLoss(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isConnectionLoss(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isConnectionLoss(withCode('connection failure', '08006'))).toBe(true);
    expect(isConnectionLoss(withCode('sorry, too many clients already', '53300'))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionLoss(new Error('Query read timeout'))).toBe(true);
    expect(isConnectionLoss(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]))).toBe(true);
    expect(isConnectionLoss(new StoreUnavailableError(new Error('x')))).toBe(true);
  });

  it('leaves statement errors alone', () => {
    expect(isConnectionLoss(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isConnectionLoss(withCode('syntax error at or near "SELEC"', '42601'))).toBe(false);
    expect(isConnectionLoss(withCode('deadlock detected', '40P01'))).toBe(false);
    expect(isConnectionLoss(new TypeError('x is undefined'))).toBe(false);
    expect(isConnectionLoss('a string')).toBe(false);
  });

  it('says why without echoing connection strings', () => {
    const error = new StoreUnavailableError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'));
    expect(error.message).toBe('The database is unavailable: connect ECONNREFUSED 127.0.0.1:5432');
  });
});

describe('cannotWrite / unavailableOr', () => {
  it('recognises a database that answers but cannot write, on both engines', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_READONLY', 'SQLITE_BUSY', 'SQLITE_CANTOPEN', '53100', '25006', '58030']) {
      expect([code, cannotWrite(withCode('x', code))]).toEqual([code, true]);
    }
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', '23505', '42601', '40P01']) expect([code, cannotWrite(withCode('x', code))]).toEqual([code, false]);
  });

  it('wraps storage failures once, saying the database cannot write, and passes statement errors through', () => {
    const full = unavailableOr(withCode('database or disk is full', 'SQLITE_FULL'));
    expect(full).toBeInstanceOf(StoreUnavailableError);
    expect((full as Error).message).toBe('The database cannot write: database or disk is full (SQLITE_FULL)');
    expect(unavailableOr(full)).toBe(full);
    const unique = withCode('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE');
    expect(unavailableOr(unique)).toBe(unique);
  });
});
