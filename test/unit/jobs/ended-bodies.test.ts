import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EndedBodies } from '../../../src/jobs/ended-bodies.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { Store } from '../../../src/store/store.js';

/**
 * EndedBodies' retry: a removal that fails (a store outage) is tried again later, not dropped to
 * wait for the sweep; once stopped (the store closes next) it is never tried again. The store here
 * is only the one method EndedBodies calls, failing as told (the removal itself, against real
 * stores on both backends: test/integration/trove-api/byte-quotas.test.ts).
 */
describe('EndedBodies', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  function bodies(failures: number): { ended: EndedBodies; calls: number[][] } {
    const calls: number[][] = [];
    let left = failures;
    const store = {
      jobs: {
        async removeEndedBodies(ids: readonly number[]) {
          calls.push([...ids]);
          if (left-- > 0) throw new Error('the database is unavailable');
        },
      },
    } as unknown as Store;
    return { ended: new EndedBodies(store, createLogger('silent')), calls };
  }

  it('removes the jobs that ended together shortly after, and tries a failed removal again', async () => {
    const { ended, calls } = bodies(1);
    ended.ended(1);
    ended.ended(2);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(150);
    expect(calls).toEqual([[1, 2]]);
    ended.ended(3);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(calls).toEqual([[1, 2], [1, 2, 3]]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(2);
  });

  it('once stopped, leaves a failed removal to the sweep', async () => {
    const { ended, calls } = bodies(5);
    ended.ended(7);
    await ended.stop();
    expect(calls).toEqual([[7]]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([[7]]);
  });
});
