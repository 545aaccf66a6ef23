import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src/jobs/runner.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import { sqliteStorePerTest } from '../../harness/sqlite-store.js';

/**
 * JobRunner.runNow: the request that queued a short job runs it in its own path (AgentCore
 * publishing a staged batch), so it answers with the job done; a runner that cannot (paused, full)
 * leaves the job to its claiming pass.
 */
describe('JobRunner.runNow', () => {
  const sqlite = sqliteStorePerTest('trove-runner-now-');
  let runner: JobRunner;
  const ran: string[] = [];
  let hold: Promise<void> | undefined;
  let active = 0;
  let mostActive = 0;

  const definition = (kind: string): JobDefinition<{ name: string }> => ({
    kind, payloadVersion: 1,
    async run(payload, ctx) {
      mostActive = Math.max(mostActive, ++active);
      try {
        await hold;
        await ctx.finish(async () => undefined);
        ran.push(payload.name);
      } finally {
        active--;
      }
    },
    async giveUp() {},
  });
  const enqueue = (kind: string, resource: string, name: string) =>
    sqlite.store.jobs.enqueue({ kind, payloadVersion: 1, resource, payload: { name }, runAfter: 0, createdAt: 0 });

  beforeEach(async () => {
    ran.length = 0;
    hold = undefined;
    active = 0;
    mostActive = 0;
  });
  afterEach(async () => {
    await runner.stop();
  });

  function start(concurrency: number): void {
    // A poll far beyond the test: only runNow (or a wake) runs anything.
    runner = new JobRunner(sqlite.store, [definition('test.publish') as JobDefinition<never>, definition('test.other') as JobDefinition<never>], {
      concurrency, leaseMs: 60_000, pollMs: 600_000, maxAttempts: 3, backoffMaxMs: 1000,
    }, systemClock, createLogger('silent'));
    runner.start();
  }

  it('has run the job of that kind and resource when it resolves', async () => {
    start(2);
    await runner.idle();
    await enqueue('test.other', 'r1', 'other kind');
    await enqueue('test.publish', 'r2', 'other resource');
    await enqueue('test.publish', 'r1', 'mine');
    await runner.runNow('test.publish', 'r1');
    expect(ran[0]).toBe('mine');
    // Finding nothing to run for it, the runner looks for other work as a wake does.
    await runner.runNow('test.publish', 'r1');
    await runner.idle();
    expect(ran.sort()).toEqual(['mine', 'other kind', 'other resource']);
  });

  it('leaves the job to the claiming pass when paused or full', async () => {
    start(1);
    await runner.idle();
    runner.pause();
    await enqueue('test.publish', 'r1', 'while paused');
    await runner.runNow('test.publish', 'r1');
    expect(ran).toEqual([]);
    expect(await sqlite.store.jobs.countOpen()).toBe(1);
    let release!: () => void;
    hold = new Promise<void>((resolve) => { release = resolve; });
    runner.resume();
    // The one slot is taken by the held job: runNow does not start a second.
    await enqueue('test.publish', 'r2', 'while full');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await runner.runNow('test.publish', 'r2');
    expect(ran).toEqual([]);
    release();
    await runner.idle();
    expect(ran).toEqual(['while paused', 'while full']);
  });

  it('takes no slot a claim of the claiming pass is about to fill', async () => {
    start(1);
    await runner.idle();
    let release!: () => void;
    hold = new Promise<void>((resolve) => { release = resolve; });
    // The claiming pass's claim is held in flight (the store answering slowly, PostgreSQL).
    const claim = sqlite.store.jobs.claim.bind(sqlite.store.jobs);
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => { answer = resolve; });
    sqlite.store.jobs.claim = async (...args) => {
      await answered;
      return claim(...args);
    };
    await enqueue('test.other', 'r0', 'claimed by the pass');
    runner.wake();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await enqueue('test.publish', 'r1', 'asked for by a request');
    const request = runner.runNow('test.publish', 'r1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const whileHeld = mostActive;
    release();
    // One slot: the pass's job and the request's never run together.
    expect(whileHeld).toBe(1);
    await request;
    await runner.idle();
    expect(ran.sort()).toEqual(['asked for by a request', 'claimed by the pass']);
    expect(mostActive).toBe(1);
  });

  it('records when the attempt started, as the claiming pass does (ListJobs startedAt)', async () => {
    start(1);
    await runner.idle();
    let release!: () => void;
    hold = new Promise<void>((resolve) => { release = resolve; });
    // Queued long before (run_after 0), run by the request now.
    await enqueue('test.publish', 'r1', 'mine');
    const before = Date.now();
    const request = runner.runNow('test.publish', 'r1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [running] = await sqlite.store.jobs.listOpen({ states: ['RUNNING'], afterId: 0, limit: 10 });
    release();
    await request;
    expect(running?.runAfter).toBeGreaterThanOrEqual(before);
  });
});
