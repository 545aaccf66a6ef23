import { timingSafeEqual } from 'node:crypto';
import { parseAuthorizationHeader } from './authorization-header.js';
import { canonicalRequest, parseQuery, receivedHeaders, sha256Hex } from './canonical-request.js';
import type { ReceivedHeaders } from './canonical-request.js';
import { ALGORITHM, formatAmzDate } from './claims.js';
import type { SignatureClaims } from './claims.js';
import { authFailure } from './failure.js';
import type { AuthFailure } from './failure.js';
import { hasPresignedParameters, parsePresignedQuery } from './presigned.js';
import { signatureOf } from './signing-key.js';

/** AWS: a signed request is accepted for 15 minutes either side of the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The parts of a received request SigV4 signs, except the body. */
export interface SignedRequestHead {
  readonly method: string;
  /** The path exactly as received (still percent-encoded). */
  readonly rawPath: string;
  /** Decoded query pairs, repeated names kept, in received order. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: ReceivedHeaders;
}

/** Builds the head from Node's raw request line and headers. */
export function requestHead(method: string, rawUrl: string, rawHeaders: readonly string[]): SignedRequestHead {
  const q = rawUrl.indexOf('?');
  return {
    method,
    rawPath: q < 0 ? rawUrl : rawUrl.slice(0, q),
    query: parseQuery(q < 0 ? '' : rawUrl.slice(q + 1)),
    headers: receivedHeaders(rawHeaders),
  };
}

/** Step 1: what the request claims (header or presigned form), or why it carries no usable signature. */
export function readClaims(head: SignedRequestHead): SignatureClaims | AuthFailure {
  const authorization = head.headers.get('authorization');
  const presigned = hasPresignedParameters(head.query);
  if (authorization && presigned) {
    return authFailure('IncompleteSignatureException',
      'Only one authentication mechanism is allowed: send either the Authorization header or the X-Amz-* query parameters, not both.');
  }
  if (authorization) {
    if (authorization.length > 1) return authFailure('IncompleteSignatureException', 'The Authorization header is given more than once.');
    return parseAuthorizationHeader(authorization[0], head.headers);
  }
  if (presigned) return parsePresignedQuery(head.query);
  return authFailure('MissingAuthenticationTokenException',
    'Request is missing Authentication Token: sign it with AWS Signature Version 4 (an Authorization header or a presigned URL).');
}

/** What a request's claims are checked against besides themselves. */
export interface ClaimRules {
  /** The SigV4 signing name of the API the request is for, when known. */
  readonly service: string | undefined;
  /** The regions a credential scope may name (auth/regions.ts). */
  readonly regions: ReadonlySet<string>;
  readonly now: number;
}

/**
 * Step 2: the claims make sense for this endpoint, request and time: scope terminator, scope
 * date equal to the request date, the service this API signs as, a region Trove accepts, a
 * session token Trove never issued, the headers that must be signed, and the time window (15
 * minutes either side; for a presigned URL, until X-Amz-Expires has passed).
 */
export function checkClaims(claims: SignatureClaims, headers: ReceivedHeaders, rules: ClaimRules): AuthFailure | undefined {
  const { scope } = claims;
  if (scope.terminator !== 'aws4_request') {
    return authFailure('InvalidSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator.slice(0, 40)}'.`);
  }
  if (scope.date !== claims.amzDate.slice(0, 8)) {
    return authFailure('InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date.slice(0, 8)}' != '${claims.amzDate.slice(0, 8)}', from '${claims.amzDate}'.`);
  }
  if (rules.service !== undefined && scope.service !== rules.service) {
    return authFailure('InvalidSignatureException', `Credential should be scoped to correct service: '${rules.service}'.`);
  }
  // The region keys every resource and quota: an invented one would be a fresh set of quotas.
  if (!rules.regions.has(scope.region)) {
    return authFailure('InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scope.region.slice(0, 40)}': this server accepts the AWS region names and those its operator adds with --regions.`);
  }
  if (claims.securityToken !== undefined) {
    return authFailure('UnrecognizedClientException',
      'The security token included in the request is invalid: this Trove server does not issue session tokens; sign with an access key created by `trove credentials create`.');
  }
  return checkSignedHeaders(claims, headers) ?? checkTime(claims, rules.now);
}

/**
 * Headers that change what a request means must be signed when present, or a captured request
 * could be replayed with another `X-Amz-Target` (another operation) under the same signature:
 * `host`, `content-type` and every `x-amz-*` header, as the AWS SDKs and CLIs sign them, but
 * those no one can change a request with (UNSIGNED_ALLOWED).
 */
function checkSignedHeaders(claims: SignatureClaims, headers: ReceivedHeaders): AuthFailure | undefined {
  if (!claims.signedHeaders.includes('host')) {
    return authFailure('InvalidSignatureException', "'Host' must be a signed header: include host in SignedHeaders.");
  }
  const unsigned = [...headers.keys()].filter((name) => mustBeSigned(name) && !claims.signedHeaders.includes(name)).sort();
  if (unsigned.length === 0) return undefined;
  return authFailure('InvalidSignatureException',
    `There were headers present in the request which were not signed: ${unsigned.slice(0, 10).map((name) => name.slice(0, 64)).join(', ')}. `
    + 'Sign Content-Type and every X-Amz-* header (the AWS SDKs and CLIs do).');
}

/**
 * `x-amz-user-agent`: informational, and some clients add it after signing. `x-amz-content-sha256`:
 * compared with the hash of the body Trove received, never trusted; some signers leave it out.
 * `x-amz-cf-id`: added by CloudFront in front of an origin.
 */
const UNSIGNED_ALLOWED = new Set(['x-amz-user-agent', 'x-amz-content-sha256', 'x-amz-cf-id']);

function mustBeSigned(name: string): boolean {
  return name === 'content-type' || (name.startsWith('x-amz-') && !UNSIGNED_ALLOWED.has(name));
}

function checkTime(claims: SignatureClaims, now: number): AuthFailure | undefined {
  const at = claims.signedAt;
  if (claims.form === 'presigned') {
    const expiresAt = at + claims.expiresSeconds! * 1000;
    if (now > expiresAt) {
      return authFailure('InvalidSignatureException',
        `Request has expired: the presigned URL was valid until ${formatAmzDate(expiresAt)} (X-Amz-Date ${claims.amzDate} + X-Amz-Expires ${claims.expiresSeconds} s); it is now ${formatAmzDate(now)}.`);
    }
  } else if (at < now - MAX_CLOCK_SKEW_MS) {
    return authFailure('InvalidSignatureException',
      `Signature expired: ${claims.amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`);
  }
  if (at > now + MAX_CLOCK_SKEW_MS) {
    return authFailure('InvalidSignatureException',
      `Signature not yet current: ${claims.amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`);
  }
  return undefined;
}

/**
 * Steps 3 and 4: rebuild the canonical request and string to sign from what was received, with
 * the payload hash Trove computed itself, and compare signatures in constant time.
 */
export function verifySignature(claims: SignatureClaims, head: SignedRequestHead, payloadHash: string, signingKey: Buffer): AuthFailure | undefined {
  // The SDKs send x-amz-content-sha256 with the body's hash; a different value means the body
  // changed after signing (or an unsigned payload, which these APIs never need).
  const claimed = head.headers.get('x-amz-content-sha256')?.[0];
  if (claimed !== undefined && claimed !== payloadHash) {
    return authFailure('InvalidSignatureException', claimed.startsWith('UNSIGNED-PAYLOAD') || claimed.startsWith('STREAMING-')
      ? `x-amz-content-sha256 '${claimed.slice(0, 40)}' is not accepted: this API requires a signed payload (the SHA-256 of the body).`
      : 'The x-amz-content-sha256 header does not match the SHA-256 of the request body: the body was changed after it was signed.');
  }
  const canonical = canonicalRequest({
    method: head.method, rawPath: head.rawPath, query: head.query, headers: head.headers, signedHeaders: claims.signedHeaders, payloadHash,
  });
  const scope = `${claims.scope.date}/${claims.scope.region}/${claims.scope.service}/${claims.scope.terminator}`;
  const toSign = stringToSign(claims.amzDate, scope, canonical);
  const expected = Buffer.from(signatureOf(signingKey, toSign), 'hex');
  const given = Buffer.from(claims.signature, 'hex');
  if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
  // AWS explains a mismatch by showing what it signed; both strings hold only what the client sent.
  return authFailure('InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. '
    + `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\n`
    + `The String-to-Sign should have been\n'${toSign}'\n`);
}

/** SigV4 task 2: algorithm, request time, credential scope, hash of the canonical request. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}
