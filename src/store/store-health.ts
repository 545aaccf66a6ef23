import { StoreUnavailableError } from './store-unavailable-error.js';

/** Fewest milliseconds between two write probes while the store is failing. */
const PROBE_INTERVAL_MS = 1_000;

/**
 * Whether the store is usable, for `/_trove/health`. A read proves the database answers, but
 * not that it can write: a full disk leaves reads working while every write fails. So the store
 * remembers its last StoreUnavailableError, and from then on health also needs a probe write
 * to succeed (at most one a second, shared by concurrent checks) before it answers ready again.
 *
 * A node nobody writes through would never see that error, so while it runs (`watch`) a timer
 * makes a probe write each interval unless a write succeeded in the last half of one: an idle
 * node on a full disk turns unhealthy within the interval (one after its last write, at most one
 * and a half), and healthy again by the same probe once the disk has room. A busy node's real
 * writes stand in for the probe (each success costs one clock read). Half, not a whole interval:
 * the probe's own success, a moment after a tick, must not excuse the next tick.
 */
export class StoreHealth {
  #failure: StoreUnavailableError | undefined;
  #probe: Promise<void> | undefined;
  #probedAt = -Infinity;
  #wroteAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<unknown>,
    private readonly write: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes a failed statement; anything but a StoreUnavailableError is the statement's own fault. */
  observe(error: unknown): void {
    if (error instanceof StoreUnavailableError) this.#failure = error;
  }

  /** Notes a committed write: the store can write now. */
  wrote(): void {
    this.#wroteAt = this.now();
  }

  /** Resolves when the store answers (and writes, after a failure); throws StoreUnavailableError saying why not. */
  async check(): Promise<void> {
    await this.read();
    if (!this.#failure) return;
    if (this.#probe) return this.#probe;
    if (this.now() - this.#probedAt < PROBE_INTERVAL_MS) throw this.#failure;
    return this.#probeWrite();
  }

  /**
   * Every `intervalMs`, a probe write unless a write succeeded in the last half interval or a
   * probe is under way. Its failure is noted by the store's watch of its calls (`observe`), so
   * nothing is thrown here. The timer does not keep the process alive.
   */
  watch(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      if (this.#probe || this.now() - this.#wroteAt < intervalMs / 2) return;
      this.#probeWrite().catch(() => undefined);
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #probeWrite(): Promise<void> {
    this.#probedAt = this.now();
    this.#probe = this.write().then(() => {
      this.#failure = undefined;
      this.wrote();
    }).finally(() => {
      this.#probe = undefined;
    });
    return this.#probe;
  }
}
