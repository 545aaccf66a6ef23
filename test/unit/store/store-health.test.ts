import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { StoreHealth } from '../../../src/store/store-health.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';

// Health's idle write probe: a node nobody writes through learns that its store cannot write
// (and can again) from its own probe, on the configured interval.

const FULL = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('StoreHealth.watch', () => {
  let canWrite: boolean;
  let probes: number;
  let health: StoreHealth;
  beforeEach(() => {
    vi.useFakeTimers();
    canWrite = true;
    probes = 0;
    // As the store wires it: a failed write is observed on its way out.
    health = new StoreHealth(async () => 1, async () => {
      probes++;
      if (!canWrite) {
        const error = new StoreUnavailableError(FULL);
        health.observe(error);
        throw error;
      }
    });
  });
  afterEach(() => {
    health.stop();
    vi.useRealTimers();
  });

  it('turns an idle node unhealthy within one interval of the disk filling, and healthy again, without a check', async () => {
    health.watch(1000);
    await vi.advanceTimersByTimeAsync(3000);
    expect(probes).toBe(3); // one probe an interval
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

describe('StoreHealth probe racing a failed write', () => {
  it('keeps a failure observed while a probe was under way, though the probe\'s own write committed', async () => {
    let commit: () => void = () => undefined;
    let writing: () => void = () => undefined;
    const started = new Promise<void>((resolve) => { writing = resolve; });
    const health = new StoreHealth(async () => 1, () => new Promise<void>((resolve) => { commit = resolve; writing(); }));
    health.observe(new StoreUnavailableError(FULL));
    const probing = health.check(); // the failure makes this check probe; its write is under way
    await started;
    // A real write fails after the probe's write reached the database, before the probe resolves.
    const newer = new StoreUnavailableError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }));
    health.observe(newer);
    commit();
    await expect(probing).rejects.toBe(newer);
    // Still failing: the next check (within the probe interval) says so, rather than ready.
    await expect(health.check()).rejects.toBe(newer);
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
