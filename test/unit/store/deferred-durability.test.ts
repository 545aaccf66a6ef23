import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src/jobs/runner.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { SqlDriver, SqlExecutor, WriteOptions } from '../../../src/store/sql/sql-driver.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import { storeOn } from '../../../src/store/store.js';
import type { Store } from '../../../src/store/store.js';

/**
 * Deferred durability (WriteOptions): the writes that ask for it (job leases, and a job's
 * finishing transaction when it asks) must reach the SQLite driver with the option, and the
 * driver must commit them without the sync of synchronous=FULL, and every other write with it.
 */
describe('deferred durability on SQLite', () => {
  let dir: string;
  let driver: SqliteDriver;
  /** The options each write of the store reached the driver with, in order. */
  let seen: { call: string; options: WriteOptions | undefined }[];
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trove-deferred-'));
    driver = new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'FULL' });
    seen = [];
    store = storeOn(recording(driver, seen));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** PRAGMA synchronous inside a transaction: 2 (FULL) or 1 (NORMAL, the commit is not synced). */
  const synchronousIn = (options?: WriteOptions) =>
    driver.transaction(async (tx: SqlExecutor) => (await tx.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous, options);

  it('commits a deferred transaction without the sync, and the next ordinary one with it', async () => {
    expect(await synchronousIn()).toBe(2);
    expect(await synchronousIn({ durability: 'deferred' })).toBe(1);
    expect(await synchronousIn()).toBe(2);
  });

  it('passes the leases\' deferred durability from the repositories to the driver', async () => {
    await store.jobs.enqueue({ kind: 'k', payloadVersion: 1, resource: 'r', payload: {}, runAfter: 0, createdAt: 0 });
    seen.length = 0;
    const job = await store.jobs.claim('me', 1, 1000);
    expect(job).toBeDefined();
    await store.jobs.heartbeat(job!.id, 'me', 2000);
    expect(seen.filter((write) => write.call !== 'transaction')).toEqual([
      { call: 'get', options: { durability: 'deferred' } },
      { call: 'run', options: { durability: 'deferred' } },
    ]);
  });

  it('passes a job\'s deferred finish from the runner to the driver, and its other transactions as ordinary ones', async () => {
    const finished: WriteOptions[] = [];
    const definition: JobDefinition<{ deferred: boolean }> = {
      kind: 'test.finish', payloadVersion: 1,
      async run(payload, ctx) {
        await ctx.transaction(async () => undefined);
        await ctx.finish(async () => undefined, payload.deferred ? { durability: 'deferred' } : undefined);
        finished.push({});
      },
      async giveUp() {},
    };
    const runner = new JobRunner(store, [definition as JobDefinition<never>], {
      concurrency: 1, leaseMs: 60_000, pollMs: 10_000, maxAttempts: 1, backoffMaxMs: 1000,
    }, systemClock, createLogger('silent'));
    for (const deferred of [true, false]) {
      await store.jobs.enqueue({ kind: 'test.finish', payloadVersion: 1, resource: 'r', payload: { deferred }, runAfter: 0, createdAt: 0 });
    }
    seen.length = 0;
    runner.start();
    await runner.idle();
    await runner.stop();
    expect(finished).toHaveLength(2);
    expect(await store.jobs.countOpen()).toBe(0);
    // Per job: the claim (deferred), its transaction (ordinary), its finish (deferred only when asked).
    expect(seen.filter((write) => write.call === 'transaction').map((write) => write.options)).toEqual([
      undefined, { durability: 'deferred' }, undefined, undefined,
    ]);
    const claims = seen.filter((write) => write.call === 'get');
    expect(claims.length).toBeGreaterThanOrEqual(2);
    for (const claim of claims) expect(claim.options).toEqual({ durability: 'deferred' });
  });
});

/** The driver, noting the options of every write the store sends it (reads without options are not noted). */
function recording(driver: SqlDriver, seen: { call: string; options: WriteOptions | undefined }[]): SqlDriver {
  return {
    dialect: driver.dialect,
    all: (sql, params) => driver.all(sql, params),
    get: (sql, params, options) => {
      if (options || !/^\s*SELECT/i.test(sql)) seen.push({ call: 'get', options });
      return driver.get(sql, params, options);
    },
    run: (sql, params, options) => {
      seen.push({ call: 'run', options });
      return driver.run(sql, params, options);
    },
    runBatch: (sql, rows) => driver.runBatch(sql, rows),
    insertMany: (table, columns, rows) => driver.insertMany(table, columns, rows),
    transaction: (fn, options) => {
      seen.push({ call: 'transaction', options });
      return driver.transaction(fn, options);
    },
    migrate: () => driver.migrate(),
    close: () => driver.close(),
  };
}
