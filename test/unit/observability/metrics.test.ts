import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withoutPaths } from '../../../src/domain/jobs/job-listing.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { metricsAccess } from '../../../src/observability/metrics-access.js';
import { statementKind } from '../../../src/store/postgres/client-executor.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';
import { parseExposition, sampleKey } from '../../harness/metrics.js';

describe('metricsAccess', () => {
  const token = 'abcdefghijklmnop0123';
  const noFile = () => {
    throw new Error('no file expected');
  };

  it('serves loopback openly, and elsewhere only with a token or not at all', () => {
    expect(metricsAccess({ mode: 'auto' }, '127.0.0.1', noFile)).toEqual({ serve: true });
    expect(metricsAccess({ mode: 'auto' }, '::1', noFile)).toEqual({ serve: true });
    expect(metricsAccess({ mode: 'auto' }, '0.0.0.0', noFile)).toMatchObject({ serve: false, reason: expect.stringContaining('not a loopback address') });
    expect(metricsAccess({ mode: 'auto', token }, '10.1.2.3', noFile)).toEqual({ serve: true, token });
    expect(metricsAccess({ mode: 'auto', token }, '127.0.0.1', noFile)).toEqual({ serve: true, token });
    expect(metricsAccess({ mode: 'off', token }, '127.0.0.1', noFile)).toMatchObject({ serve: false });
    expect(() => metricsAccess({ mode: 'on' }, '0.0.0.0', noFile)).toThrow(/without a token/);
  });

  it('reads the token from a file, and refuses short or spaced tokens', () => {
    expect(metricsAccess({ mode: 'on', tokenFile: '/run/secret' }, '0.0.0.0', (path) => (path === '/run/secret' ? `${token}\n` : ''))).toEqual({ serve: true, token });
    expect(() => metricsAccess({ mode: 'on', tokenFile: '/nope' }, '0.0.0.0', () => {
      throw new Error('ENOENT');
    })).toThrow(/--metrics-token-file \/nope: ENOENT/);
    expect(() => metricsAccess({ mode: 'auto', token: 'short' }, '127.0.0.1', noFile)).toThrow(/at least 16/);
    expect(() => metricsAccess({ mode: 'auto', token: 'has a space in it, long' }, '127.0.0.1', noFile)).toThrow(/visible ASCII/);
  });
});

describe('Metrics', () => {
  it('renders the store timings as cumulative histograms, per engine, once however often the observer is asked for', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const observer = metrics.database('postgres');
    expect(metrics.database('postgres')).toBe(observer);
    observer.statement('read', 0.05);   // 50 µs: first bucket (le 0.0001 s)
    observer.statement('read', 3);      // 3 ms: le 0.005
    observer.statement('read', 60_000); // a minute: past the last bucket, only +Inf
    observer.transaction('rollback', 2);
    observer.keyLockWait(400);
    metrics.database('sqlite').keyLockWait(1);  // SQLite takes no key locks: nothing to show
    const samples = parseExposition((await metrics.text()).body);
    const read = (suffix: string, extra: Record<string, string> = {}) =>
      samples.get(sampleKey(`trove_database_statement_duration_seconds_${suffix}`, { engine: 'postgres', kind: 'read', ...extra }));
    expect([read('bucket', { le: '0.0001' }), read('bucket', { le: '0.0025' }), read('bucket', { le: '0.005' }), read('bucket', { le: '10' }), read('bucket', { le: '+Inf' })])
      .toEqual([1, 1, 2, 2, 3]);
    expect(read('count')).toBe(3);
    expect(read('sum')).toBeCloseTo(60.00305, 6);
    expect(samples.get(sampleKey('trove_database_statement_duration_seconds_count', { engine: 'sqlite', kind: 'write' }))).toBe(0);
    expect(samples.get(sampleKey('trove_database_transaction_duration_seconds_count', { engine: 'postgres', outcome: 'rollback' }))).toBe(1);
    expect(samples.get(sampleKey('trove_database_lock_wait_seconds_bucket', { engine: 'postgres', lock: 'key', le: '0.5' }))).toBe(1);
    expect(samples.has(sampleKey('trove_database_lock_wait_seconds_count', { engine: 'sqlite', lock: 'key' }))).toBe(false);
  });

  it('reads lock waits at scrape time, and scrapes without them when they cannot be read', async () => {
    let reading: () => Promise<number | undefined> = async () => 2;
    const metrics = new Metrics({ processMetrics: false });
    metrics.watch({
      jobKinds: [], jobTally: async () => [], now: () => 0,
      poolStats: () => ({ max: 4, total: 1, idle: 1, waiting: 0 }), lockWaits: () => reading(),
    });
    const key = sampleKey('trove_database_lock_waiting_sessions', { engine: 'postgres' });
    expect(parseExposition((await metrics.text()).body).get(key)).toBe(2);
    reading = async () => undefined;
    expect(parseExposition((await metrics.text()).body).has(key)).toBe(false);
    reading = () => Promise.reject(new Error('connection refused'));
    const samples = parseExposition((await metrics.text()).body);
    expect(samples.has(key)).toBe(false);
    expect(samples.get('trove_database_pool_max')).toBe(4);
  });

  it('tells reads, writes and transaction control apart by the statement\'s first word', () => {
    expect(statementKind('SELECT 1')).toBe('read');
    expect(statementKind('  select id FROM t FOR UPDATE')).toBe('read');
    expect(statementKind('WITH x AS (SELECT 1) SELECT * FROM x')).toBe('read');
    expect(statementKind('WITH x AS (SELECT id FROM t) SELECT * FROM x FOR UPDATE')).toBe('read');
    expect(statementKind('WITH x AS (SELECT id FROM t FOR NO KEY UPDATE SKIP LOCKED) SELECT * FROM x')).toBe('read');
    expect(statementKind('with x as (select 1) select * from x for  key share')).toBe('read');
    expect(statementKind('WITH x AS (SELECT 1) SELECT * FROM x FOR SHARE OF x')).toBe('read');
    expect(statementKind('WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone')).toBe('write');
    expect(statementKind('WITH x AS (SELECT id FROM t FOR UPDATE) UPDATE t SET a = 1 FROM x WHERE t.id = x.id')).toBe('write');
    expect(statementKind('UPDATE t SET a = 1')).toBe('write');
    expect(statementKind('INSERT INTO t VALUES (1)')).toBe('write');
    expect(statementKind('BEGIN')).toBe('control');
    expect(statementKind('SET LOCAL synchronous_commit = off')).toBe('control');
    expect(statementKind('COMMIT')).toBe('control');
  });

  it('counts only the database\'s own errors, by kind and code', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.storeError(new StoreUnavailableError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    const db = new Database(':memory:');
    try {
      db.exec('SELECT * FROM no_such_table');
    } catch (error) {
      metrics.storeError(error);
    }
    metrics.storeError(new Error('a domain error thrown inside a transaction'));
    const samples = parseExposition((await metrics.text()).body);
    expect(samples.get(sampleKey('trove_store_errors_total', { kind: 'unavailable', code: 'ECONNREFUSED' }))).toBe(1);
    expect(samples.get(sampleKey('trove_store_errors_total', { kind: 'database', code: 'SQLITE_ERROR' }))).toBe(1);
    expect([...samples.keys()].filter((key) => key.startsWith('trove_store_errors_total'))).toHaveLength(2);
  });

  it('keeps each server\'s samples apart (one registry per Metrics)', async () => {
    const a = new Metrics({ processMetrics: false });
    const b = new Metrics({ processMetrics: false });
    a.request('rekognition', 'CreateProject', 200, 5);
    const key = sampleKey('trove_requests_total', { api: 'rekognition', operation: 'CreateProject', status: '200' });
    expect(parseExposition((await a.text()).body).get(key)).toBe(1);
    expect(parseExposition((await b.text()).body).has(key)).toBe(false);
  });
});

describe('withoutPaths', () => {
  it('hides server file paths from tenants, keeps S3 URIs and ARNs', () => {
    expect(withoutPaths("Error: ENOENT: no such file or directory, open '/var/lib/trove/buckets/b/k.png'"))
      .toBe("Error: ENOENT: no such file or directory, open '<path>'");
    expect(withoutPaths('s3://bucket/a/b.png is gone (arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1)'))
      .toBe('s3://bucket/a/b.png is gone (arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1)');
    expect(withoutPaths('at /srv/trove/dist/jobs/runner.js:12 and 5/10 done')).toBe('at <path> and 5/10 done');
  });
});
