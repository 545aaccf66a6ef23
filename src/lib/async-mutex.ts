/**
 * A FIFO async lock. better-sqlite3 has one connection; a transaction that awaits must
 * keep every other caller off that connection until it commits (Kysely's ConnectionMutex).
 */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
