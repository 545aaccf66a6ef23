import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { InternalServerException } from '../../../src/api/agentcore/errors.js';
import { InternalServerError } from '../../../src/api/rekognition/errors.js';
import { serverFault } from '../../../src/protocols/server-fault.js';
import { STORE_UNAVAILABLE, StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) };
}

describe("serverFault: every protocol's 500 for an error that is not the request's fault", () => {
  it('answers a database outage with the retryable 500 that says so, logged as a warning without a stack', () => {
    const { lines, log } = capture();
    const outage = new StoreUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const answer = serverFault(outage, log, { internalError: (message) => new InternalServerError(message) });
    expect(answer).toBeInstanceOf(InternalServerError);
    expect(answer).toMatchObject({ httpStatus: 500, fault: 'server', message: STORE_UNAVAILABLE });
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'database unavailable', err: outage.message })]);
  });

  it("answers anything else with the service's own 500, logged as an unexpected error with its stack", () => {
    const { lines, log } = capture();
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const answer = serverFault(bug, log, { internalError: (message) => new InternalServerException(message) });
    expect(answer).toBeInstanceOf(InternalServerException);
    expect(answer.message).toBe(new InternalServerException().message);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'unexpected error', err: { type: 'TypeError', message: bug.message } });
    expect((lines[0]!.err as { stack: string }).stack).toContain('server-fault.test.ts');
  });
});
