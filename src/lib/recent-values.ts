/**
 * Values noted per key and trusted for `ttlMs`, at most `max` of them (past it, all are dropped at
 * once: a cache of what recent requests asked about, not a store). For figures that only guide a
 * choice between exact ways of reading, which their owner reads for many keys in one statement:
 * it asks `fresh` for each key, reads the missing ones together, and `note`s what it read.
 */
export class RecentValues<V> {
  readonly #values = new Map<string, { read: number; value: V }>();

  constructor(private readonly ttlMs: number, private readonly max: number) {}

  /** The value noted for `key` at most ttlMs before `now`; undefined when none is. */
  fresh(key: string, now: number): V | undefined {
    const known = this.#values.get(key);
    return known && now - known.read <= this.ttlMs ? known.value : undefined;
  }

  /** Notes `value` for `key`, read at `now`. */
  note(key: string, value: V, now: number): void {
    if (this.#values.size > this.max) this.#values.clear();
    this.#values.set(key, { read: now, value });
  }
}
