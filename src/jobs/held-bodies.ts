import type { JobBody } from '../store/records.js';

/**
 * A job just committed with its payload, whose bytes the accepting request still has in memory.
 * The bytes are handed over: nothing else reads them once the request is answered, and once
 * the job has run on them they are freed (HeldBody.release).
 */
export interface AcceptedBody {
  readonly jobId: number;
  readonly body: Buffer;
}

/** A held payload given to its job; `release` frees its bytes once the job has run. */
export interface HeldBody extends JobBody {
  release(): void;
}

/** Bytes held at once: a few 5 MB changes waiting for this node's runner; past it, jobs read the store. */
const MAX_HELD_BYTES = 24 * 1024 * 1024;
/** A job another node claimed (PostgreSQL) is never taken here: its bytes are let go after this long. */
const HOLD_MS = 10_000;
/** Pieces handed out, as the store hands them out (JobsRepository). */
const PIECE = 64 * 1024;
/**
 * Allocations at least this large are the payload's own (Node.js's shared pool for small
 * buffers is 8 KiB): only those are freed by `release`.
 */
const OWN_ALLOCATION_BYTES = 1024 * 1024;

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
  take(jobId: number, storedBytes: number): HeldBody | undefined {
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
function memoryBody(body: Buffer): HeldBody {
  return {
    bytes: body.length,
    async *pieces() {
      for (let at = 0; at < body.length; at += PIECE) yield body.subarray(at, at + PIECE);
    },
    read: async () => body,
    release: () => release(body),
  };
}

/**
 * Frees a payload's bytes now rather than at some later full collection. The request and the
 * job have let go of the buffer, but its small JavaScript object outlived a few young
 * collections (the accepting transaction, the job's) and was promoted, and a promoted buffer's
 * memory is only returned by a full collection: after two or three 5 MB changes, 10-20 MB of
 * dead payloads were still resident (docs/performance.md, peak RSS of three ingests). Detaching
 * the ArrayBuffer (a transfer to a copy-free clone that nothing keeps) hands the memory to a
 * young object that the next young collection frees. Every view of the bytes reads as empty
 * from then on.
 */
function release(body: Buffer): void {
  const allocation = body.buffer;
  if (allocation.byteLength < OWN_ALLOCATION_BYTES || allocation instanceof SharedArrayBuffer) return;
  structuredClone(allocation, { transfer: [allocation] });
}
