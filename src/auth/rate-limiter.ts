import type { Clock } from '../lib/clock.js';

export interface RateLimit {
  /** Tokens added per second; 0 turns limiting off. */
  readonly requestsPerSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  readonly burst: number;
}

/**
 * A token bucket per access key. Only keys whose signature verified get a bucket, so callers
 * cannot grow the map with made-up keys; buckets that have refilled are dropped when it grows.
 * Each Trove node limits on its own: with N nodes the cluster-wide rate is up to N times this.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #capacity: number;

  constructor(private readonly limit: RateLimit, private readonly clock: Clock) {
    this.#capacity = Math.max(1, limit.burst);
  }

  get enabled(): boolean {
    return this.limit.requestsPerSecond > 0;
  }

  /** Takes a token for `key`: 0 when granted, else the milliseconds until one is available. */
  take(key: string): number {
    if (!this.enabled) return 0;
    const now = this.clock.now();
    const rate = this.limit.requestsPerSecond / 1000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (this.#buckets.size > 10_000) this.#sweep(now, rate);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate);
  }

  #sweep(now: number, rate: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * rate >= this.#capacity) this.#buckets.delete(key);
    }
  }
}
