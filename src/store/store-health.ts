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
 * makes a probe write each interval: an idle node on a full disk turns unhealthy within the
 * interval, and healthy again by the same probe once the disk has room. The probe runs on busy
 * nodes too: one one-row write an interval costs nothing, while telling real writes apart from
 * reads would cost every statement of the hot paths a wrapper (and SQLite commits a read-only
 * transaction on a full disk, so a committed transaction proves nothing).
 */
export class StoreHealth {
  #failure: StoreUnavailableError | undefined;
  /** How many failures were observed so far: a probe clears only a failure no newer than its start. */
  #failures = 0;
  #probe: Promise<void> | undefined;
  #probedAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<unknown>,
    private readonly write: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes a failed statement; anything but a StoreUnavailableError is the statement's own fault. */
  observe(error: unknown): void {
    if (!(error instanceof StoreUnavailableError)) return;
    this.#failure = error;
    this.#failures++;
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
   * Every `intervalMs`, a probe write unless one is under way. Its failure is noted by the store's watch of its calls (`observe`), so
   * nothing is thrown here. The timer does not keep the process alive.
   */
  watch(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      if (this.#probe) return;
      this.#probeWrite().catch(() => undefined);
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * A probe's write proves only that the store could write when it committed: a real write that
   * failed while the probe was under way (a disk filling up) is newer news, so it stays, and the
   * probe answers with it.
   */
  #probeWrite(): Promise<void> {
    this.#probedAt = this.now();
    const failuresBefore = this.#failures;
    this.#probe = this.write().then(() => {
      if (this.#failures !== failuresBefore) throw this.#failure;
      this.#failure = undefined;
    }).finally(() => {
      this.#probe = undefined;
    });
    return this.#probe;
  }
}
