import { performance } from 'node:perf_hooks';
import { nextWaitMs } from '../domain/uploads/upload-pace.js';
import type { UploadPace } from '../domain/uploads/upload-pace.js';

/**
 * The streamed request bodies (UploadDatasetImport's file) whose pace Trove watches itself
 * (domain/uploads/upload-pace.ts) rather than Node's whole-request `requestTimeout`, which stays
 * in force for every other request, and for these until their body is being read. When Node's
 * timeout fires for a connection listed here, the server's clientError handler leaves it alone
 * (server/app.ts); Node has then stopped tracking the connection, so its answer closes it.
 */
export class PacedBodies {
  readonly #watched = new WeakSet<object>();
  readonly #untracked = new WeakSet<object>();
  /** Connections whose body the pace cut: answered by Trove (and closed), never by Node's 408 meanwhile. */
  readonly #cut = new WeakSet<object>();

  constructor(readonly pace: UploadPace) {}

  /** The connection's body is read under the pace from now on (until `unwatch`). */
  watch(connection: object): void {
    this.#watched.add(connection);
  }

  unwatch(connection: object): void {
    this.#watched.delete(connection);
  }

  /**
   * The pace cut this connection's body (BodyTooSlow): its answer is on its way, and closes it.
   * Node's own timeout, due about as soon, must not answer 408 first while that answer is made.
   */
  cut(connection: object): void {
    this.#cut.add(connection);
  }

  /** Node's request timeout fired for this connection: true when its body is watched here instead. */
  takeRequestTimeout(connection: object): boolean {
    if (!this.#watched.has(connection) && !this.#cut.has(connection)) return false;
    this.#untracked.add(connection);
    return true;
  }

  /** Node no longer tracks this connection (its request timeout was taken): close it after the answer. */
  untracked(connection: object): boolean {
    return this.#untracked.has(connection);
  }

  /**
   * `next()` of the body's chunks, each awaited no longer than the pace allows for what has come
   * so far; too long: BodyTooSlow (the chunk still pending is dropped with the connection).
   */
  reader(chunks: AsyncIterator<Buffer>): () => Promise<IteratorResult<Buffer>> {
    let received = 0;
    let waited = 0;
    return async () => {
      const limit = nextWaitMs(this.pace, received, waited);
      const started = performance.now();
      const next = chunks.next();
      next.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new BodyTooSlow(limit === this.pace.requestTimeoutMs
          ? `the request body sent nothing for ${limit} ms`
          : `the request body arrived slower than ${this.pace.minBytesPerSecond} bytes a second on average (beyond the first ${this.pace.requestTimeoutMs} ms)`)), limit);
      });
      try {
        const result = await Promise.race([next, late]);
        if (!result.done) received += result.value.length;
        return result;
      } finally {
        clearTimeout(timer);
        waited += performance.now() - started;
      }
    };
  }
}

/** A streamed body that paused too long or came too slowly (answered, if the client still listens, as unreadable). */
export class BodyTooSlow extends Error {
  readonly statusCode = 400;
  readonly code = 'TROVE_BODY_TOO_SLOW';
}
