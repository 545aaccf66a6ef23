import { StoreUnavailableError } from './store-unavailable-error.js';

/** Fewest milliseconds between two write probes while the store is failing. */
const PROBE_INTERVAL_MS = 1_000;

/**
 * Whether the store is usable, for `/_trove/health`. A read proves the database answers, but
 * not that it can write: a full disk leaves reads working while every write fails. So the store
 * remembers its last StoreUnavailableError, and from then on health also needs a probe write
 * to succeed (at most one a second, shared by concurrent checks) before it answers ready again.
 */
export class StoreHealth {
  #failure: StoreUnavailableError | undefined;
  #probe: Promise<void> | undefined;
  #probedAt = -Infinity;

  constructor(
    private readonly read: () => Promise<unknown>,
    private readonly write: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes a failed statement; anything but a StoreUnavailableError is the statement's own fault. */
  observe(error: unknown): void {
    if (error instanceof StoreUnavailableError) this.#failure = error;
  }

  /** Resolves when the store answers (and writes, after a failure); throws StoreUnavailableError saying why not. */
  async check(): Promise<void> {
    await this.read();
    if (!this.#failure) return;
    if (this.#probe) return this.#probe;
    if (this.now() - this.#probedAt < PROBE_INTERVAL_MS) throw this.#failure;
    this.#probedAt = this.now();
    this.#probe = this.write().then(() => {
      this.#failure = undefined;
    }).finally(() => {
      this.#probe = undefined;
    });
    return this.#probe;
  }
}
