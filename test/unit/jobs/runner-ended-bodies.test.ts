import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src/jobs/runner.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import { sqliteStorePerTest } from '../../harness/sqlite-store.js';

/**
 * A finished job's stored request is removed after its finishing transaction, by the runner
 * (EndedBodies): shortly after while it runs, at once when it stops. (Both backends, end to end:
 * test/integration/trove-api/byte-quotas.test.ts.)
 */
describe('JobRunner removing finished jobs\' stored requests', () => {
  const sqlite = sqliteStorePerTest('trove-runner-ended-');
  const pieces = async (id: number) => (await sqlite.store.jobs.bodyPieces(id, 1).next().then(() => 1, () => 0));

  function runner(finish: boolean): JobRunner {
    const definition: JobDefinition<Record<string, never>> = {
      kind: 'test.body', payloadVersion: 1,
      async run(_payload, ctx) {
        if (finish) await ctx.finish(async () => undefined);
        else await ctx.fail(async () => undefined, { error: 'refused' });
      },
      async giveUp() {},
    };
    return new JobRunner(sqlite.store, [definition as JobDefinition<never>], {
      concurrency: 1, leaseMs: 60_000, pollMs: 20, maxAttempts: 3, backoffMaxMs: 20,
    }, systemClock, createLogger('silent'));
  }
  const enqueue = () => sqlite.store.jobs.enqueue({ kind: 'test.body', payloadVersion: 1, resource: 'r', payload: {}, body: Buffer.alloc(200_000, 1), runAfter: 0, createdAt: 0 });

  it('removes them shortly after the finish while it runs, and those still waiting when it stops', async () => {
    const first = runner(true);
    const [a, b] = [await enqueue(), await enqueue()];
    first.start();
    await first.idle();
    await expect.poll(async () => [await pieces(a), await pieces(b)], { timeout: 5_000 }).toEqual([0, 0]);
    const c = await enqueue();
    first.wake();
    await first.idle();
    // Stopped before the delay is out: removed by stop(), not left to the sweep.
    await first.stop();
    expect(await pieces(c)).toBe(0);
  });

  it('leaves a failed job\'s request to its finish, which keeps it or removes it there', async () => {
    const second = runner(false);
    const id = await enqueue();
    second.start();
    await second.idle();
    // Not retryable (no definition says so): removed in the finishing transaction itself.
    expect(await pieces(id)).toBe(0);
    await second.stop();
  });
});
