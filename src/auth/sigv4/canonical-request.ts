import { createHash } from 'node:crypto';

/**
 * SigV4 task 1, "Create a canonical request", as small pure functions over what arrived on the
 * wire (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). Each
 * function reproduces what the signers do (the JS SDK's @smithy/signature-v4, botocore), so a
 * request they signed yields the same bytes here.
 */

/** A header as received: its lower-case name and every value it was sent with, in order. */
export type ReceivedHeaders = ReadonlyMap<string, readonly string[]>;

/** RFC 3986 encoding of one URI component, as AWS requires: only A-Z a-z 0-9 - _ . ~ stay literal. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of every AWS service but S3: the received (already encoded) path with
 * empty, `.` and `..` segments removed, encoded once more, slashes kept.
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${trailing}`;
  return uriEncode(normalized).replace(/%2F/g, '/');
}

/**
 * The received query string as decoded (name, value) pairs, repeated names kept. `+` stays a
 * plus sign: the SDKs send spaces as %20 and sign a literal `+` as %2B.
 */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery.split('&').filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
  });
}

/**
 * The canonical query string: every pair encoded, sorted by name then value, `X-Amz-Signature`
 * left out (it cannot sign itself; presigned URLs carry it).
 */
export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .filter(([name]) => name.toLowerCase() !== 'x-amz-signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Headers from Node's `rawHeaders` ([name, value, name, value, ...]), names lower-cased. */
export function receivedHeaders(rawHeaders: readonly string[]): ReceivedHeaders {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const values = headers.get(name);
    if (values) values.push(rawHeaders[i + 1]);
    else headers.set(name, [rawHeaders[i + 1]]);
  }
  return headers;
}

/** One header's canonical value: each value trimmed, inner runs of spaces collapsed, joined by commas. */
export function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((value) => value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim()).join(',');
}

/** The canonical headers block: `name:value\n` for each signed header, in the signed order. */
export function canonicalHeaders(headers: ReceivedHeaders, signedHeaders: readonly string[]): string {
  return signedHeaders.map((name) => `${name}:${canonicalHeaderValue(headers.get(name) ?? [])}\n`).join('');
}

/** Hex SHA-256 of the body: Trove always hashes the bytes it received (never trusts x-amz-content-sha256). */
export function hashPayload(body: Buffer | undefined): string {
  return sha256Hex(body ?? Buffer.alloc(0));
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface CanonicalRequestParts {
  readonly method: string;
  readonly rawPath: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: ReceivedHeaders;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
}

/** The canonical request: method, URI, query, headers, signed header list, payload hash. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method,
    canonicalUri(parts.rawPath),
    canonicalQuery(parts.query),
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Malformed escapes are signed as received; the signature then decides.
    return text;
  }
}
