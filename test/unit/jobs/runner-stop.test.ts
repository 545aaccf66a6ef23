import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src/jobs/runner.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import { storeOn } from '../../../src/store/store.js';
import type { Store } from '../../../src/store/store.js';

/**
 * A graceful stop that lands while the runner is claiming a job: the claim still takes the job
 * (its lease, an attempt), so stop() must wait for the claim and then for that job, before the
 * store is closed. Before, stop() waited only for jobs already running: the claimed job then ran
 * against a closed store and kept its lease, and the next start waited it out (PostgreSQL).
 */
describe('JobRunner.stop() during a claim', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trove-runner-stop-'));
    store = storeOn(new SqliteDriver({ filename: join(dir, 'trove.db'), synchronous: 'NORMAL' }));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the claim in flight and runs its job to the end', async () => {
    const ran: string[] = [];
    const definition: JobDefinition<{ n: number }> = {
      kind: 'test.slow', payloadVersion: 1,
      async run(_payload, ctx) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await ctx.finish(async () => undefined);
        ran.push('finished');
      },
      async giveUp() {},
    };
    await store.jobs.enqueue({ kind: 'test.slow', payloadVersion: 1, resource: 'r', payload: { n: 1 }, runAfter: 0, createdAt: 0 });
    // Hold the first claim until stop() has been called.
    const claim = store.jobs.claim.bind(store.jobs);
    let claiming!: () => void;
    const claimStarted = new Promise<void>((resolve) => { claiming = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    store.jobs.claim = async (...args) => {
      claiming();
      await released;
      return claim(...args);
    };
    const runner = new JobRunner(store, [definition as JobDefinition<never>], {
      concurrency: 1, leaseMs: 60_000, pollMs: 10_000, maxAttempts: 3, backoffMaxMs: 1000,
    }, systemClock, createLogger('silent'));
    runner.start();
    await claimStarted;
    let stopped = false;
    const stopping = runner.stop().then(() => { stopped = true; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(ran).toEqual(['finished']);
    expect(await store.jobs.countOpen()).toBe(0);
  });
});
