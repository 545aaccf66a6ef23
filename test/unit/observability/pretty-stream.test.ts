import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { prettyLine } from '../../../src/observability/pretty-stream.js';

describe('readable log lines', () => {
  function capture(level = 'debug') {
    const lines: string[] = [];
    const logger = createLogger(level, { pretty: { colors: false }, destination: { write: (text: string) => void lines.push(text) } });
    return { logger, lines };
  }

  it('writes a request as method, path, status, time and operation, then the other fields', () => {
    const { logger, lines } = capture();
    logger.child({ reqId: 'r-1' }).info({ method: 'POST', url: '/', operation: 'ListDatasetEntries', accessKeyId: 'test', account: '000000000000', status: 200, ms: 3 }, 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}POST \/ 200 3 ms ListDatasetEntries {2}reqId=r-1 accessKeyId=test account=000000000000\n$/);
  });

  it('writes other events as their message and fields, quoting what needs quotes, and an error\'s stack below', () => {
    const { logger, lines } = capture();
    logger.warn({ waitedMs: 500, err: 'connect ECONNREFUSED', where: { host: 'db' } }, 'waiting for the database');
    const error = new Error('boom');
    logger.error({ err: error }, 'unexpected error');
    expect(lines[0]).toMatch(/ WARN {2}waiting for the database {2}waitedMs=500 err="connect ECONNREFUSED" where=\{"host":"db"\}\n$/);
    expect(lines[1]).toMatch(/ ERROR unexpected error {2}err="boom"\n {4}Error: boom\n {4} {4}at /);
    expect(lines.join('')).not.toMatch(/"service"|"pid"|"hostname"/);
  });

  it('colours the level only when asked, and passes anything that is not JSON through', () => {
    const line = JSON.stringify({ level: 50, time: '2026-01-01T10:00:00.000Z', msg: 'request failed', method: 'GET', url: '/x', status: 500, ms: 1 });
    expect(prettyLine(line, true)).toContain('\u001b[31mERROR\u001b[0m GET /x 500 1 ms');
    expect(prettyLine(line, false)).not.toContain('\u001b[');
    expect(prettyLine('not json', false)).toBe('not json\n');
  });
});
