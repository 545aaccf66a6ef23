import type { JobBody } from '../store/records.js';

/** A job just committed with its payload, whose bytes the accepting request still has in memory. */
export interface AcceptedBody {
  readonly jobId: number;
  readonly body: Buffer;
}

/** Bytes held at once: a few 5 MB changes waiting for this node's runner; past it, jobs read the store. */
const MAX_HELD_BYTES = 24 * 1024 * 1024;
/** A job another node claimed (PostgreSQL) is never taken here: its bytes are let go after this long. */
const HOLD_MS = 10_000;
/** Pieces handed out, as the store hands them out (JobsRepository). */
const PIECE = 64 * 1024;

/**
 * The payloads of jobs this process has just accepted, kept for its own runner: a 5 MB change's
 * job then reads the bytes the request decoded instead of reading them back from the store
 * (twice, when its images are checked: ~10 ms and 10 MB of copies). The store's copy stays the
 * source of truth: a job is held only once its transaction has committed (its id can no longer
 * be given to another job), it is taken by the first claim of that id on this node (a retry, or
 * a run after a crash, reads the store), and its size must match what the store holds.
 */
export class HeldBodies {
  readonly #held = new Map<number, { body: Buffer; bytes: number; timer: NodeJS.Timeout }>();
  #bytes = 0;

  hold({ jobId, body }: AcceptedBody): void {
    // What holding it keeps in memory: the whole allocation it is a view of (a request's decoded
    // blob is a view of room made for the rest of the body: a line, then megabytes of spaces).
    const bytes = Math.max(body.length, body.buffer.byteLength);
    if (this.#held.has(jobId) || this.#bytes + bytes > MAX_HELD_BYTES) return;
    const timer = setTimeout(() => this.#drop(jobId), HOLD_MS);
    timer.unref();
    this.#held.set(jobId, { body, bytes, timer });
    this.#bytes += bytes;
  }

  /** The held payload of a job just claimed, as a JobBody, if this node holds it and it has the stored size. */
  take(jobId: number, storedBytes: number): JobBody | undefined {
    const body = this.#drop(jobId);
    return body && body.length === storedBytes ? memoryBody(body) : undefined;
  }

  #drop(jobId: number): Buffer | undefined {
    const held = this.#held.get(jobId);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.#held.delete(jobId);
    this.#bytes -= held.bytes;
    return held.body;
  }
}

/** A JobBody over bytes in memory: pieces are views of them, not copies. */
function memoryBody(body: Buffer): JobBody {
  return {
    bytes: body.length,
    async *pieces() {
      for (let at = 0; at < body.length; at += PIECE) yield body.subarray(at, at + PIECE);
    },
    read: async () => body,
  };
}
