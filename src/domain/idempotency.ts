import { createHash } from 'node:crypto';
import type { ServiceError } from '../api/errors.js';
import type { Clock } from '../lib/clock.js';
import type { IdempotencyKey } from '../store/sql/idempotency-repository.js';
import type { Repositories } from '../store/store.js';
import type { Caller } from './caller.js';

/** One request's client token: where it is remembered and the fingerprint of what it asked. */
export interface TokenedRequest {
  readonly key: IdempotencyKey;
  readonly hash: string;
  /** The fingerprint an earlier Trove stored for the same request (RequestDigest.earlier). */
  readonly earlierHash?: () => string;
}

/**
 * A protocol's fingerprint of a request as sent (SDK retries resend the same bytes). `earlier`
 * computes the form an earlier Trove stored for the same request; it is asked only when a stored
 * fingerprint differs from `value`, so a retry across an upgrade is still recognised.
 */
export interface RequestDigest {
  readonly value: string;
  readonly earlier?: () => string;
}

/**
 * Client-token idempotency for any API (AWS: "If this token matches a previous request, the
 * service ignores the request, but doesn't return an error"). The token is recorded with the
 * response in the transaction that accepts the write, so a retry after a lost response replays
 * that response and applies nothing twice. The same token with a different request is refused
 * with the API's own error.
 */
export class Idempotency {
  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly mismatch: (message: string) => ServiceError,
    private readonly inFlight: (message: string) => ServiceError,
  ) {}

  /**
   * The token of `input` (its `clientToken` member), or undefined when the request has none.
   * `digest` is the protocol's fingerprint of the request as sent (SDK retries resend the same
   * bytes); without one the input is hashed canonically.
   */
  token(caller: Caller, operation: string, resource: string, input: { clientToken?: string }, digest?: RequestDigest): TokenedRequest | undefined {
    if (!input.clientToken) return undefined;
    const { clientToken, ...request } = input;
    return {
      key: { account: caller.account, region: caller.region, operation, resource, clientToken },
      hash: digest?.value ?? requestHash(request), earlierHash: digest?.earlier,
    };
  }

  /**
   * The response first sent for this token, when it was seen within the window; throws the
   * mismatch error when the token came with a different request.
   */
  async earlier<T>(repos: Repositories, request: TokenedRequest | undefined): Promise<T | undefined> {
    if (!request) return undefined;
    const stored = await repos.idempotency.find(request.key);
    if (!stored || stored.createdAt <= this.clock.now() - this.windowMs) return undefined;
    if (stored.requestHash !== request.hash && stored.requestHash !== request.earlierHash?.()) {
      throw this.mismatch(`The client token ${request.key.clientToken} was already used with a different request.`);
    }
    return JSON.parse(stored.body) as T;
  }

  /** Records the response; call in the transaction that applies or accepts the write. */
  async remember(tx: Repositories, request: TokenedRequest | undefined, status: number, response: unknown): Promise<void> {
    if (!request) return;
    const now = this.clock.now();
    await tx.idempotency.purgeBefore(now - this.windowMs);
    const stored = { requestHash: request.hash, status, body: JSON.stringify(response), createdAt: now };
    if (!(await tx.idempotency.put(request.key, stored, now - this.windowMs))) {
      // A twin with the same token committed while this one ran: roll this one back.
      throw this.inFlight(`A request with the client token ${request.key.clientToken} was being processed at the same time; retry to get its response.`);
    }
  }
}

/** SHA-256 of the request's canonical JSON (object keys sorted, so member order never matters). */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonical(request)).digest('base64url');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
