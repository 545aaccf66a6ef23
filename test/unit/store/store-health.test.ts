import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { StoreHealth } from '../../../src/store/store-health.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';
import { sqliteStorePerTest } from '../../harness/sqlite-store.js';

// Health's idle write probe: a node nobody writes through learns that its store cannot write
// (and can again) from its own probe, on the configured interval; a busy node's writes replace it.

const FULL = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('StoreHealth.watch', () => {
  let canWrite: boolean;
  let probes: number;
  let health: StoreHealth;
  beforeEach(() => {
    vi.useFakeTimers();
    canWrite = true;
    probes = 0;
    // As the store wires it: a failed write is observed on its way out, a committed one noted.
    health = new StoreHealth(async () => 1, async () => {
      probes++;
      if (!canWrite) {
        const error = new StoreUnavailableError(FULL);
        health.observe(error);
        throw error;
      }
      health.wrote();
    });
  });
  afterEach(() => {
    health.stop();
    vi.useRealTimers();
  });

  it('turns an idle node unhealthy within one interval of the disk filling, and healthy again, without a check', async () => {
    health.watch(1000);
    await vi.advanceTimersByTimeAsync(3000);
    expect(probes).toBe(3); // idle: one probe an interval (its own success does not excuse the next)
    await expect(health.check()).resolves.toBeUndefined();

    canWrite = false;
    await vi.advanceTimersByTimeAsync(1000);
    await expect(health.check()).rejects.toThrow(/^The database cannot write: database or disk is full/);

    // Room again: the next tick's probe clears it; the check after it writes nothing.
    canWrite = true;
    await vi.advanceTimersByTimeAsync(1000);
    const before = probes;
    await expect(health.check()).resolves.toBeUndefined();
    expect(probes).toBe(before);
  });

  it('makes no probe write while real writes succeed', async () => {
    health.watch(1000);
    for (let i = 0; i < 50; i++) {
      health.wrote();
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(probes).toBe(0);
    // Writes stop: probing resumes within an interval and a half.
    await vi.advanceTimersByTimeAsync(1500);
    expect(probes).toBe(1);
  });

  it('probes nothing unless watched, and nothing after stop()', async () => {
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probes).toBe(0);
    health.watch(1000);
    await vi.advanceTimersByTimeAsync(1000);
    health.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probes).toBe(1);
  });
});

describe('which of the store\'s writes stand in for the probe (SQLite)', () => {
  const sqlite = sqliteStorePerTest('trove-health-');
  const probed = async () => (await sqlite.store.settings.get('health-probe')) !== undefined;
  const during = async (ms: number, step: () => Promise<unknown>) => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      await step();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('transactions that changed rows do, statements that changed rows do, transactions that only read do not', async () => {
    const { store } = sqlite;
    store.watchHealth(1000);
    // Writes every 20 ms, half of them in transactions: for 2.5 intervals no probe is needed.
    let n = 0;
    await during(2500, () => (++n % 2 === 0
      ? store.settings.put('busy', Buffer.from([n & 0xff]))
      : store.transaction((tx) => tx.settings.put('busy', Buffer.from([n & 0xff])))));
    expect(await probed()).toBe(false);
    // Transactions that change nothing prove nothing: the probe runs within an interval and a half.
    await during(1600, () => store.transaction((tx) => tx.settings.get('busy')));
    expect(await probed()).toBe(true);
  });
});

describe('--store-write-probe-ms', () => {
  it('defaults to 15 s, reads the flag and the environment, and takes 0 for never', () => {
    expect(loadConfig({}).storeWriteProbeMs).toBe(15_000);
    expect(loadConfig({ env: { TROVE_STORE_WRITE_PROBE_MS: '5000' } }).storeWriteProbeMs).toBe(5000);
    expect(loadConfig({ flags: { 'store-write-probe-ms': '0' } }).storeWriteProbeMs).toBe(0);
    expect(() => loadConfig({ flags: { 'store-write-probe-ms': '-1' } })).toThrow(/--store-write-probe-ms/);
  });
});
