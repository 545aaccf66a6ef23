import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-evident tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256).
 * Used for pagination tokens and download links; the key is shared through the store so a
 * token minted by one Trove node is accepted by every other.
 */
export class SignedTokenCodec {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  sign(payload: unknown, purpose: string): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(purpose, body)}`;
  }

  /** The payload, or undefined when the token is malformed or was not signed by us for this purpose. */
  verify<T>(token: string, purpose: string): T | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.#mac(purpose, body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }

  #mac(purpose: string, body: string): string {
    return createHmac('sha256', this.#key).update(purpose).update('\0').update(body).digest('base64url');
  }
}
