import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src/jobs/runner.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import { sqliteStorePerTest } from '../../harness/sqlite-store.js';

/**
 * A graceful stop that lands while the runner is claiming a job: the claim still takes the job
 * (its lease, an attempt), so stop() must wait for the claim and then for that job, before the
 * store is closed. Before, stop() waited only for jobs already running: the claimed job then ran
 * against a closed store and kept its lease, and the next start waited it out (PostgreSQL).
 */
describe('JobRunner.stop() during a claim', () => {
  const sqlite = sqliteStorePerTest('trove-runner-stop-');

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
    await sqlite.store.jobs.enqueue({ kind: 'test.slow', payloadVersion: 1, resource: 'r', payload: { n: 1 }, runAfter: 0, createdAt: 0 });
    // Hold the first claim until stop() has been called.
    const claim = sqlite.store.jobs.claim.bind(sqlite.store.jobs);
    let claiming!: () => void;
    const claimStarted = new Promise<void>((resolve) => { claiming = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    sqlite.store.jobs.claim = async (...args) => {
      claiming();
      await released;
      return claim(...args);
    };
    const runner = new JobRunner(sqlite.store, [definition as JobDefinition<never>], {
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
    expect(await sqlite.store.jobs.countOpen()).toBe(0);
  });
});
