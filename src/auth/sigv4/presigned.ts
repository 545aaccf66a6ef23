import { ALGORITHM, parseAmzDate, splitCredential } from './claims.js';
import type { SignatureClaims } from './claims.js';
import { authFailure } from './failure.js';
import type { AuthFailure } from './failure.js';

/** AWS: a presigned URL is valid for at most 7 days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Expires'] as const;

/** True when the query carries any presigned-URL parameter (then the request is meant to be presigned). */
export function hasPresignedParameters(query: ReadonlyArray<readonly [string, string]>): boolean {
  return query.some(([name]) => name === 'X-Amz-Signature' || name === 'X-Amz-Credential' || name === 'X-Amz-Algorithm');
}

/**
 * SigV4 "query string" form (presigned URLs): the signature and its scope travel as
 * `X-Amz-*` query parameters, which themselves (but `X-Amz-Signature`) are part of what is signed.
 */
export function parsePresignedQuery(query: ReadonlyArray<readonly [string, string]>): SignatureClaims | AuthFailure {
  const values = new Map<string, string[]>();
  for (const [name, value] of query) values.set(name, [...(values.get(name) ?? []), value]);
  const missing = REQUIRED.filter((name) => !values.get(name)?.[0]);
  if (missing.length > 0) {
    return authFailure('IncompleteSignatureException', `A presigned request requires the query parameters ${missing.join(', ')}.`);
  }
  const repeated = REQUIRED.filter((name) => values.get(name)!.length > 1);
  if (repeated.length > 0) return authFailure('IncompleteSignatureException', `Query parameter ${repeated[0]} is given more than once.`);
  const one = (name: (typeof REQUIRED)[number]) => values.get(name)![0];

  if (one('X-Amz-Algorithm') !== ALGORITHM) {
    return authFailure('IncompleteSignatureException', `X-Amz-Algorithm must be ${ALGORITHM}.`);
  }
  const credential = splitCredential(one('X-Amz-Credential'));
  if (!credential) {
    return authFailure('IncompleteSignatureException',
      "X-Amz-Credential is malformed: expected '<access key>/<yyyymmdd>/<region>/<service>/aws4_request'.");
  }
  const signedAt = parseAmzDate(one('X-Amz-Date'));
  if (signedAt === undefined) {
    return authFailure('IncompleteSignatureException', 'X-Amz-Date is not an ISO 8601 basic timestamp like 20240102T030405Z.');
  }
  const expires = one('X-Amz-Expires');
  const expiresSeconds = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGNED_EXPIRES_SECONDS)) {
    return authFailure('IncompleteSignatureException', `X-Amz-Expires must be a number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS}.`);
  }
  const signature = one('X-Amz-Signature');
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    return authFailure('IncompleteSignatureException', 'X-Amz-Signature is malformed: expected 64 lower-case hex digits.');
  }
  return {
    form: 'presigned',
    accessKeyId: credential.accessKeyId,
    scope: { date: credential.date, region: credential.region, service: credential.service, terminator: credential.terminator },
    signedHeaders: one('X-Amz-SignedHeaders').split(';'),
    signature,
    amzDate: one('X-Amz-Date'),
    signedAt,
    expiresSeconds,
    securityToken: values.get('X-Amz-Security-Token')?.[0],
  };
}
