import { AuthenticationError } from '../api/auth-errors.js';
import type { Clock } from '../lib/clock.js';
import type { CredentialSecret } from './credential-service.js';
import { RateLimited } from './errors.js';
import type { Principal } from './principal.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SignatureClaims } from './sigv4/claims.js';
import { authFailure } from './sigv4/failure.js';
import { SigningKeyCache } from './sigv4/signing-key.js';
import { checkClaims, readClaims, verifySignature } from './sigv4/verify.js';
import type { SignedRequestHead } from './sigv4/verify.js';

/** The well-known local pair: on a loopback bind with no credentials created, it is account 000000000000. */
export const LOCAL_CREDENTIAL = Object.freeze({ accessKeyId: 'test', secretAccessKey: 'test', account: '000000000000' });

/** Where credentials come from (the CredentialService, over the store). */
export interface CredentialSource {
  lookup(accessKeyId: string): Promise<CredentialSecret | undefined>;
  count(): Promise<number>;
}

export interface AuthenticatorOptions {
  readonly credentials: CredentialSource;
  readonly clock: Clock;
  /** True on a loopback bind: the test/test pair then works while no credential exists. */
  readonly localPairAllowed: boolean;
  /** How long a credential read from the store is trusted (disable/delete take effect within it). */
  readonly cacheMs: number;
  readonly rateLimiter: RateLimiter;
  /** The regions a credential scope may name: the AWS ones and the operator's (auth/regions.ts). */
  readonly regions: ReadonlySet<string>;
}

/** Authentication that has checked everything but the body; `finish` checks the signature. */
export interface PendingAuthentication {
  readonly accessKeyId: string;
  /** Verifies the signature over the body received, then takes a rate-limit token. */
  /** `payloadSha256`: hex SHA-256 of the body bytes as received (never the client's x-amz-content-sha256). */
  finish(payloadSha256: string): Principal;
}

/**
 * Authenticates requests in two steps so that a request without a valid credential, scope or
 * time is refused before its body is read: `begin` on the head, `finish` once the body is in.
 * Failures are AuthenticationError (HTTP 403, rendered by each protocol) or RateLimited.
 */
export class Authenticator {
  readonly #options: AuthenticatorOptions;
  readonly #keys = new SigningKeyCache();
  readonly #cache = new Map<string, { credential: CredentialSecret; until: number }>();
  #count: { value: number; until: number } | undefined;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  /** `expectedService`: the SigV4 signing name of the API the request is for, when known. */
  async begin(head: SignedRequestHead, expectedService: string | undefined): Promise<PendingAuthentication> {
    const claims = readClaims(head);
    if ('failure' in claims) throw new AuthenticationError(claims);
    const problem = checkClaims(claims, head.headers, { service: expectedService, regions: this.#options.regions, now: this.#options.clock.now() });
    if (problem) throw new AuthenticationError(problem, claims.accessKeyId);
    const credential = await this.#credential(claims.accessKeyId);
    return {
      accessKeyId: credential.accessKeyId,
      finish: (payloadSha256) => this.#finish(claims, head, credential, payloadSha256),
    };
  }

  /** Drops cached credentials (they were created, changed or deleted in this process). */
  invalidate(): void {
    this.#cache.clear();
    this.#count = undefined;
    this.#keys.clear();
  }

  #finish(claims: SignatureClaims, head: SignedRequestHead, credential: CredentialSecret, payloadSha256: string): Principal {
    const key = this.#keys.get(credential.accessKeyId, credential.secretAccessKey, claims.scope.date, claims.scope.region, claims.scope.service);
    const failure = verifySignature(claims, head, payloadSha256, key);
    if (failure) throw new AuthenticationError(failure, credential.accessKeyId);
    // Throttled only once the signature holds: nobody can spend another key's budget.
    const wait = this.#options.rateLimiter.take(credential.accessKeyId);
    if (wait > 0) throw new RateLimited(wait);
    return {
      account: credential.account,
      region: claims.scope.region,
      accessKeyId: credential.accessKeyId,
      allowActions: credential.allowActions ?? undefined,
      allowResources: credential.allowResources ?? undefined,
    };
  }

  async #credential(accessKeyId: string): Promise<CredentialSecret> {
    const now = this.#options.clock.now();
    const cached = this.#cache.get(accessKeyId);
    let credential = cached && cached.until > now ? cached.credential : undefined;
    if (!credential) {
      credential = await this.#options.credentials.lookup(accessKeyId);
      if (credential) this.#cache.set(accessKeyId, { credential, until: now + this.#options.cacheMs });
    }
    if (!credential && accessKeyId === LOCAL_CREDENTIAL.accessKeyId && this.#options.localPairAllowed) {
      if (await this.#credentialCount(now) === 0) return LOCAL;
      throw new AuthenticationError(authFailure('UnrecognizedClientException',
        'The security token included in the request is invalid: the local test/test pair is turned off once credentials exist; '
        + 'sign with an access key from `trove credentials create`.'), accessKeyId);
    }
    // Unknown and disabled keys get the same answer, so an outsider can't learn which key ids exist.
    if (!credential || !credential.enabled) {
      throw new AuthenticationError(authFailure('UnrecognizedClientException', UNRECOGNIZED), accessKeyId.slice(0, 128));
    }
    return credential;
  }

  async #credentialCount(now: number): Promise<number> {
    if (!this.#count || this.#count.until <= now) {
      this.#count = { value: await this.#options.credentials.count(), until: now + this.#options.cacheMs };
    }
    return this.#count.value;
  }
}

/** AWS's own words for a key it does not accept, whatever the reason. */
const UNRECOGNIZED = 'The security token included in the request is invalid.';

const LOCAL: CredentialSecret = Object.freeze({
  ...LOCAL_CREDENTIAL, enabled: true, allowActions: null, allowResources: null, description: 'local test/test pair', createdAt: 0,
});
