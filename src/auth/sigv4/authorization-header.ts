import { ALGORITHM, formatAmzDate, parseAmzDate, splitCredential } from './claims.js';
import type { SignatureClaims } from './claims.js';
import { authFailure } from './failure.js';
import type { AuthFailure } from './failure.js';
import type { ReceivedHeaders } from './canonical-request.js';

/**
 * Reads `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<a;b>, Signature=<hex>`
 * and the request time (`X-Amz-Date`, or `Date` when the signer used that instead).
 */
export function parseAuthorizationHeader(value: string, headers: ReceivedHeaders): SignatureClaims | AuthFailure {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return authFailure('IncompleteSignatureException',
      `Unsupported Authorization algorithm '${algorithm.slice(0, 40)}': sign requests with AWS Signature Version 4 (${ALGORITHM}).`);
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    return authFailure('IncompleteSignatureException',
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  const credential = splitCredential(fields.get('Credential')!);
  if (!credential) {
    return authFailure('IncompleteSignatureException',
      "Authorization header has a malformed Credential: expected '<access key>/<yyyymmdd>/<region>/<service>/aws4_request'.");
  }
  const signature = fields.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    return authFailure('IncompleteSignatureException', 'Authorization header has a malformed Signature: expected 64 lower-case hex digits.');
  }
  const time = requestTime(headers);
  if ('failure' in time) return time;
  return {
    form: 'header',
    accessKeyId: credential.accessKeyId,
    scope: { date: credential.date, region: credential.region, service: credential.service, terminator: credential.terminator },
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature,
    amzDate: time.amzDate,
    signedAt: time.signedAt,
    securityToken: headers.get('x-amz-security-token')?.[0],
  };
}

/** X-Amz-Date wins; SigV4 also allows the HTTP Date header, turned into the same ISO 8601 basic form. */
function requestTime(headers: ReceivedHeaders): { amzDate: string; signedAt: number } | AuthFailure {
  const amzDate = headers.get('x-amz-date')?.[0];
  if (amzDate !== undefined) {
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined) {
      return authFailure('IncompleteSignatureException', `X-Amz-Date '${amzDate.slice(0, 40)}' is not an ISO 8601 basic timestamp like 20240102T030405Z.`);
    }
    return { amzDate, signedAt };
  }
  const date = headers.get('date')?.[0];
  const signedAt = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(signedAt)) {
    return authFailure('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  return { amzDate: formatAmzDate(signedAt), signedAt };
}
