import { describe, expect, it, vi } from 'vitest';
import { PlannerStatistics } from '../../../src/store/postgres/planner-statistics.js';

describe('PlannerStatistics', () => {
  it('analyzes a table once 10,000 rows, then a quarter of its size, have been committed to it', async () => {
    const analyzed: string[] = [];
    let size = 0;
    const statistics = new PlannerStatistics(async (table) => {
      analyzed.push(table);
      return size;
    });
    statistics.committed(new Map([['rk_entries', 9_000], ['rk_entry_labels', 100]]));
    await statistics.idle();
    expect(analyzed).toEqual([]);
    size = 200_000;
    statistics.committed(new Map([['rk_entries', 1_000]]));
    await statistics.idle();
    expect(analyzed).toEqual(['rk_entries']);
    // Now a quarter of 200,000: 49,000 more rows are not enough, 50,000 are.
    statistics.committed(new Map([['rk_entries', 49_000]]));
    await statistics.idle();
    expect(analyzed).toEqual(['rk_entries']);
    statistics.committed(new Map([['rk_entries', 1_000]]));
    await statistics.idle();
    expect(analyzed).toEqual(['rk_entries', 'rk_entries']);
  });

  it('runs one ANALYZE at a time and catches up on tables that came due meanwhile', async () => {
    const analyzed: string[] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const statistics = new PlannerStatistics(async (table) => {
      analyzed.push(table);
      if (analyzed.length === 1) await first;
      return 0;
    });
    statistics.committed(new Map([['a', 12_000]]));
    statistics.committed(new Map([['b', 12_000]]));
    expect(analyzed).toEqual(['a']);
    release();
    await statistics.idle();
    expect(analyzed).toEqual(['a', 'b']);
  });

  it('refreshes the tables with rows written since, once writes pause for a second (the end of an import)', async () => {
    vi.useFakeTimers();
    try {
      const analyzed: string[] = [];
      const statistics = new PlannerStatistics(async (table) => {
        analyzed.push(table);
        return 200_000;
      });
      statistics.committed(new Map([['rk_entries', 5_000], ['jobs', 10]]));
      await vi.advanceTimersByTimeAsync(900);
      // Another write: the pause starts again.
      statistics.committed(new Map([['rk_entries', 1_000]]));
      await vi.advanceTimersByTimeAsync(900);
      expect(analyzed).toEqual([]);
      await vi.advanceTimersByTimeAsync(200);
      await statistics.idle();
      // A table with a handful of rows written is left to autovacuum.
      expect(analyzed).toEqual(['rk_entries']);
      // Once stopped (the pool closing), a pause refreshes nothing.
      statistics.committed(new Map([['rk_entries', 5_000]]));
      await statistics.stop();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(analyzed).toEqual(['rk_entries']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tries again after a failed ANALYZE', async () => {
    let fail = true;
    const analyzed: string[] = [];
    const statistics = new PlannerStatistics(async (table) => {
      analyzed.push(table);
      if (fail) throw new Error('Connection terminated');
      return 0;
    });
    statistics.committed(new Map([['a', 12_000]]));
    await statistics.idle();
    fail = false;
    statistics.committed(new Map([['a', 1]]));
    await statistics.idle();
    expect(analyzed).toEqual(['a', 'a']);
  });
});
