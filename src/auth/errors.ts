/**
 * Refusals that each API words with its own modelled error, so the protocol maps them (e.g.
 * Rekognition AccessDeniedException is HTTP 400, AgentCore's is 403).
 */

/** The credential's allow-lists do not cover this action or resource. */
export class AccessDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

/** The credential's request rate is used up; a token is available again after `retryAfterMs`. */
export class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Rate exceeded: this access key may send more requests in ${Math.max(1, Math.ceil(retryAfterMs))} ms.`);
    this.name = 'RateLimited';
  }
}
