import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src/jobs/runner.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import { sqliteStorePerTest } from '../../harness/sqlite-store.js';

/**
 * The runner hands a job the payload its node accepted (JobRunner.wake with the bytes) instead of
 * the store's copy, on the first claim only. To tell the two apart, the bytes handed over differ
 * from the stored ones here (in Trove they are the same bytes).
 */
describe('JobRunner with payloads held from the accepting request', () => {
  const sqlite = sqliteStorePerTest('trove-runner-held-');

  async function runJobs(jobs: { stored: string; held?: string | Buffer }[], failFirstAttempt = false): Promise<Map<number, string[]>> {
    const read = new Map<number, string[]>();
    const definition: JobDefinition<Record<string, never>> = {
      kind: 'test.body', payloadVersion: 1,
      async run(_payload, ctx) {
        const pieces: Buffer[] = [];
        for await (const piece of ctx.job.body!.pieces()) pieces.push(piece);
        const seen = read.get(ctx.job.id) ?? [];
        seen.push(Buffer.concat(pieces).toString());
        read.set(ctx.job.id, seen);
        if (failFirstAttempt && seen.length === 1) throw new Error('first attempt fails');
        await ctx.finish(async () => undefined);
      },
      async giveUp() {},
    };
    const runner = new JobRunner(sqlite.store, [definition as JobDefinition<never>], {
      concurrency: 1, leaseMs: 60_000, pollMs: 20, maxAttempts: 3, backoffMaxMs: 20,
    }, systemClock, createLogger('silent'));
    for (const job of jobs) {
      const jobId = await sqlite.store.jobs.enqueue({ kind: 'test.body', payloadVersion: 1, resource: 'r', payload: {}, body: Buffer.from(job.stored), runAfter: 0, createdAt: 0 });
      if (job.held !== undefined) runner.wake({ jobId, body: typeof job.held === 'string' ? Buffer.from(job.held) : job.held });
    }
    runner.start();
    await runner.idle();
    await runner.stop();
    return read;
  }

  it('gives a job the bytes handed over when it was accepted, and the store\'s when none were or their size differs', async () => {
    const read = await runJobs([
      { stored: 'stored-1', held: 'memory-1' },
      { stored: 'stored-2' },
      { stored: 'stored-3', held: 'memory-three' },
    ]);
    expect([...read.values()]).toEqual([['memory-1'], ['stored-2'], ['stored-3']]);
  });

  it('reads the store\'s copy on a retry', async () => {
    const read = await runJobs([{ stored: 'stored-1', held: 'memory-1' }], true);
    expect([...read.values()]).toEqual([['memory-1', 'stored-1']]);
  });

  it('frees the bytes handed over once the job has run on them (a 5 MB change\'s do not wait for a full collection)', async () => {
    const held = Buffer.alloc(2 * 1024 * 1024, 'h');
    const read = await runJobs([{ stored: 's'.repeat(held.length), held }]);
    expect([...read.values()][0][0]).toBe('h'.repeat(2 * 1024 * 1024));
    expect(held.buffer.byteLength).toBe(0);
  });
});
