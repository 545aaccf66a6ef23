import { randomBytes, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random [A-Za-z0-9]{length}, unbiased (rejection sampling). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

export function newRequestId(): string {
  return randomUUID();
}

/**
 * Millisecond stamps that never repeat within a process: AWS ARNs of Rekognition projects and
 * datasets end in their creation time in ms, and two resources must never share an ARN.
 */
export class MonotonicStamp {
  #last = 0;
  next(now: number): number {
    this.#last = Math.max(now, this.#last + 1);
    return this.#last;
  }
}
