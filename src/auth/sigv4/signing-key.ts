import { createHmac } from 'node:crypto';

/**
 * SigV4 task 3, "Calculate the signature": the signing key is an HMAC chain over the secret,
 * date, region and service, and the signature is HMAC(signing key, string to sign).
 */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** Hex HMAC-SHA256 of the string to sign. */
export function signatureOf(signingKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Signing keys per (access key, date, region, service): the four HMACs are computed once a day
 * per scope instead of on every request. A hit also checks the secret, so a key derived from a
 * secret that has since changed is never used. Bounded: the oldest entry goes first.
 */
export class SigningKeyCache {
  readonly #entries = new Map<string, { secret: string; key: Buffer }>();

  constructor(private readonly maxEntries = 1024) {}

  get(accessKeyId: string, secretAccessKey: string, date: string, region: string, service: string): Buffer {
    const id = `${accessKeyId}\0${date}\0${region}\0${service}`;
    const hit = this.#entries.get(id);
    if (hit && hit.secret === secretAccessKey) return hit.key;
    const key = deriveSigningKey(secretAccessKey, date, region, service);
    this.#entries.delete(id);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(id, { secret: secretAccessKey, key });
    return key;
  }

  /** Forgets every key (credentials changed). */
  clear(): void {
    this.#entries.clear();
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
