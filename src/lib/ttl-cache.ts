import type { Clock } from './clock.js';

/**
 * Values loaded on demand and trusted for `ttlMs`. The pending load itself is cached, so many
 * concurrent askers (32 image checks of one bucket) cost one load; a failed load is forgotten.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(private readonly ttlMs: number, private readonly clock: Clock, private readonly maxEntries = 10_000) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now();
    const cached = this.#entries.get(key);
    if (cached && cached.until > now) return cached.value;
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const value = load();
    this.#entries.set(key, { value, until: now + this.ttlMs });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
