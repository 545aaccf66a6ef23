import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError } from '../api/auth-errors.js';
import type { PendingAuthentication } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { requestHead } from '../auth/sigv4/verify.js';
import type { SignedRequestHead } from '../auth/sigv4/verify.js';
import './request-fields.js';

/** What a protocol needs to authenticate its requests (auth/authenticate.ts Authenticator). */
export interface RequestAuthenticator {
  begin(head: SignedRequestHead, expectedService: string | undefined): Promise<PendingAuthentication>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `beginAuthentication` (onRequest), consumed by `finishAuthentication` (handler). */
    pendingAuthentication?: PendingAuthentication;
  }
}

/**
 * Step one, from a protocol's onRequest hook: checks everything but the body, so requests
 * without a valid credential are refused before their body is read. Throws AuthenticationError.
 */
export async function beginAuthentication(request: FastifyRequest, authenticator: RequestAuthenticator, expectedService: string | undefined): Promise<void> {
  const head = requestHead(request.raw.method ?? request.method, request.raw.url ?? request.url, request.raw.rawHeaders);
  try {
    request.pendingAuthentication = await authenticator.begin(head, expectedService);
  } catch (error) {
    // The request log names the key a refused request claimed, so rotations can be watched.
    if (error instanceof AuthenticationError) request.accessKeyId = error.accessKeyId;
    throw error;
  }
  request.accessKeyId = request.pendingAuthentication.accessKeyId;
}

/**
 * Step two, in the handler once the body is in: verifies the signature over the body's SHA-256
 * (hex, computed by Trove from the bytes it received), returns the principal.
 */
export function finishAuthentication(request: FastifyRequest, payloadSha256: string): Principal {
  const pending = request.pendingAuthentication;
  if (!pending) throw new Error('finishAuthentication called before beginAuthentication');
  const principal = pending.finish(payloadSha256);
  request.account = principal.account;
  return principal;
}

/**
 * Tells the SDKs when to retry a throttled request: the JS SDK waits at least `x-amz-retry-after`
 * (ms), other clients read `Retry-After` (whole seconds).
 */
export function retryAfter(reply: FastifyReply, ms: number): void {
  reply.header('x-amz-retry-after', String(Math.ceil(ms))).header('retry-after', String(Math.max(1, Math.ceil(ms / 1000))));
}
