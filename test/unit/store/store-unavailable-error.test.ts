import { describe, expect, it } from 'vitest';
import { isConnectionLoss, StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';

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
