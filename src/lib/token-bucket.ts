import type { Clock } from './clock.js';

/**
 * Per-key token buckets: `ratePerSecond` tokens a second, bursts up to the same number.
 * Used for request throttling (AWS answers ThrottlingException when a caller goes too fast).
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly ratePerSecond: number, private readonly clock: Clock) {}

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.clock.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.ratePerSecond, at: now };
    bucket.tokens = Math.min(this.ratePerSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
