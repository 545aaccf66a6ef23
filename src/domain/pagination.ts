import { createHash } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { SignedTokenCodec } from '../lib/signed-token.js';

/**
 * Opaque pagination tokens: signed (tamper-evident), bound to one kind of listing and to the
 * filters it started with, and expiring `ttlMs` after the listing's first page. The first-page
 * time is what lets garbage collection drop row versions no live listing can still need.
 */
export class PageTokens {
  constructor(
    private readonly codec: SignedTokenCodec,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** A token for the next page; `startedAt` is the first page's time (absent on the first page). */
  issue<T extends object>(kind: string, state: T, startedAt?: number): string {
    return this.codec.sign({ ...state, t: startedAt ?? this.clock.now() }, `page:${kind}`);
  }

  /** The token's state, or undefined when it is malformed, forged, for another listing or expired. */
  read<T extends object>(kind: string, token: string): (T & { t: number }) | undefined {
    const state = this.codec.verify<T & { t: number }>(token, `page:${kind}`);
    if (!state || typeof state.t !== 'number') return undefined;
    if (this.clock.now() - state.t > this.ttlMs) return undefined;
    return state;
  }
}

/** A short, stable fingerprint of a listing's filters, so a token can't be replayed with others. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest('base64url').slice(0, 12);
}
