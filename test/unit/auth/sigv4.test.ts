import fc from 'fast-check';
import { acceptedRegions } from '../../../src/auth/regions.js';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, canonicalRequest, canonicalUri, hashPayload, parseQuery, receivedHeaders } from '../../../src/auth/sigv4/canonical-request.js';
import type { SignatureClaims } from '../../../src/auth/sigv4/claims.js';
import { formatAmzDate, parseAmzDate } from '../../../src/auth/sigv4/claims.js';
import { isAuthFailure } from '../../../src/auth/sigv4/failure.js';
import { deriveSigningKey, SigningKeyCache } from '../../../src/auth/sigv4/signing-key.js';
import { checkClaims, readClaims, requestHead, stringToSign, verifySignature } from '../../../src/auth/sigv4/verify.js';
import { presignRequest, signRequest } from '../../harness/sigv4.js';
import type { RawRequest } from '../../harness/sigv4.js';

const REGIONS = acceptedRegions([]);
const ENDPOINT = 'http://127.0.0.1:4599';
const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** What the server would see for this request, verified with our pure functions. */
function verify(request: RawRequest, secret = KEY.secretAccessKey, now = Date.now()) {
  const query = (request.query ?? []).map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
  const rawHeaders = Object.entries(request.headers).flatMap(([name, value]) => [name, value]);
  const head = requestHead(request.method, query ? `${request.path}?${query}` : request.path, rawHeaders);
  const claims = readClaims(head);
  if (isAuthFailure(claims)) return claims;
  const problem = checkClaims(claims, head.headers, { service: 'rekognition', regions: REGIONS, now });
  if (problem) return problem;
  const key = deriveSigningKey(secret, claims.scope.date, claims.scope.region, claims.scope.service);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return verifySignature(claims, head, hashPayload(body), key) ?? 'ok';
}

describe('SigV4 spec steps', () => {
  // The worked example of the AWS General Reference ("Signature Version 4 signing process").
  it('reproduces the AWS documentation example (IAM ListUsers)', () => {
    const headers = receivedHeaders([
      'Content-Type', 'application/x-www-form-urlencoded; charset=utf-8', 'Host', 'iam.amazonaws.com', 'X-Amz-Date', '20150830T123600Z',
    ]);
    const canonical = canonicalRequest({
      method: 'GET', rawPath: '/', query: parseQuery('Action=ListUsers&Version=2010-05-08'), headers,
      signedHeaders: ['content-type', 'host', 'x-amz-date'], payloadHash: hashPayload(undefined),
    });
    expect(canonical).toBe([
      'GET', '/', 'Action=ListUsers&Version=2010-05-08',
      'content-type:application/x-www-form-urlencoded; charset=utf-8', 'host:iam.amazonaws.com', 'x-amz-date:20150830T123600Z', '',
      'content-type;host;x-amz-date', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n'));
    const toSign = stringToSign('20150830T123600Z', '20150830/us-east-1/iam/aws4_request', canonical);
    expect(toSign.split('\n')[3]).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    const key = deriveSigningKey(KEY.secretAccessKey, '20150830', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('encodes the canonical URI twice, normalising segments, as every service but S3 does', () => {
    expect(canonicalUri('/')).toBe('/');
    expect(canonicalUri('')).toBe('');
    expect(canonicalUri('/datasets/a%2Fb%20c/examples')).toBe('/datasets/a%252Fb%2520c/examples');
    expect(canonicalUri('/a/./b/../c//d/')).toBe('/a/c/d/');
    expect(canonicalUri("/it's(*)!")).toBe('/it%27s%28%2A%29%21');
  });

  it('sorts the canonical query by name then value, keeps repeated names, drops X-Amz-Signature', () => {
    expect(canonicalQuery(parseQuery('z=2&a=b%20c&z=1&X-Amz-Signature=abc&plus=a+b&empty'))).toBe('a=b%20c&empty=&plus=a%2Bb&z=1&z=2');
  });

  it('trims header values, collapses runs of spaces and joins repeated headers with commas', () => {
    const headers = receivedHeaders(['X-Test', '  a   b  ', 'x-test', 'c']);
    expect(canonicalRequest({ method: 'GET', rawPath: '/', query: [], headers, signedHeaders: ['x-test'], payloadHash: 'h' }))
      .toContain('x-test:a b,c\n');
  });

  it('parses and formats ISO 8601 basic timestamps, rejecting impossible dates', () => {
    expect(parseAmzDate('20240229T235959Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseAmzDate('20230229T000000Z')).toBeUndefined();
    expect(parseAmzDate('2024-01-01T00:00:00Z')).toBeUndefined();
    expect(formatAmzDate(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('20240102T030405Z');
  });

  it('caches signing keys per scope and never reuses one after the secret changed', () => {
    const cache = new SigningKeyCache(2);
    const a = cache.get('k', 's1', '20240101', 'us-east-1', 'rekognition');
    expect(cache.get('k', 's1', '20240101', 'us-east-1', 'rekognition')).toBe(a);
    expect(cache.get('k', 's2', '20240101', 'us-east-1', 'rekognition').equals(a)).toBe(false);
    expect(cache.get('k', 's1', '20240101', 'us-east-1', 'rekognition').equals(deriveSigningKey('s1', '20240101', 'us-east-1', 'rekognition'))).toBe(true);
  });
});

describe('verification of requests signed by @smithy/signature-v4 (the JS SDK signer)', () => {
  const arbitraryRequest = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    segments: fc.array(fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..'), { maxLength: 3 }),
    query: fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.startsWith('X-Amz')), fc.string({ maxLength: 8 })), { maxLength: 4 }),
    header: fc.string({ maxLength: 12 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    body: fc.option(fc.string({ maxLength: 64 }), { nil: undefined }),
  });

  function build(r: { method: string; segments: string[]; query: [string, string][]; header: string; body: string | undefined }): RawRequest {
    return {
      method: r.method,
      path: `/${r.segments.map(encodeURIComponent).join('/')}`,
      query: r.query,
      headers: { 'x-custom': r.header, 'content-type': 'application/json' },
      body: r.body,
    };
  }

  it('accepts every request the SDK signer signs, header form', async () => {
    await fc.assert(fc.asyncProperty(arbitraryRequest, async (r) => {
      const signed = await signRequest(ENDPOINT, build(r), { ...KEY, service: 'rekognition' });
      expect(verify(signed)).toBe('ok');
    }), { numRuns: 150 });
  });

  it('accepts every request the SDK signer presigns, query form', async () => {
    await fc.assert(fc.asyncProperty(arbitraryRequest, async (r) => {
      const signed = await presignRequest(ENDPOINT, build(r), { ...KEY, service: 'rekognition', expiresIn: 60 });
      expect(verify(signed)).toBe('ok');
    }), { numRuns: 100 });
  });

  it('rejects any change to the method, path, query, a signed header or the body', async () => {
    await fc.assert(fc.asyncProperty(arbitraryRequest, fc.nat(), async (r, pick) => {
      const signed = await signRequest(ENDPOINT, build(r), { ...KEY, service: 'rekognition' });
      const tampered: RawRequest[] = [
        { ...signed, method: signed.method === 'GET' ? 'HEAD' : 'GET' },
        { ...signed, path: `${signed.path === '/' ? '' : signed.path}/x` },
        { ...signed, query: [...(signed.query ?? []), ['added', '1']] },
        { ...signed, headers: { ...signed.headers, 'x-custom': `${r.header}!` } },
        { ...signed, body: `${r.body ?? ''}!` },
      ];
      const variant = tampered[pick % tampered.length];
      const result = verify(variant);
      expect(result).not.toBe('ok');
      expect(isAuthFailure(result) && result.failure).toBe('InvalidSignatureException');
    }), { numRuns: 150 });
  });

  it('rejects the right request signed with another secret, and never echoes the secret', async () => {
    const signed = await signRequest(ENDPOINT, build({ method: 'POST', segments: [], query: [], header: 'h', body: '{}' }), { ...KEY, service: 'rekognition' });
    const result = verify(signed, 'another-secret');
    expect(isAuthFailure(result) && result.failure).toBe('InvalidSignatureException');
    expect(isAuthFailure(result) && result.message).not.toContain(KEY.secretAccessKey);
    expect(isAuthFailure(result) && result.message).toContain('The Canonical String for this request should have been');
  });

  it('accepts requests within 15 minutes of the server clock and refuses replays outside it', async () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    const at = async (offsetMs: number) => verify(
      await signRequest(ENDPOINT, build({ method: 'GET', segments: [], query: [], header: '', body: undefined }),
        { ...KEY, service: 'rekognition', signingDate: new Date(now + offsetMs) }),
      KEY.secretAccessKey, now,
    );
    expect(await at(-14 * 60_000)).toBe('ok');
    expect(await at(14 * 60_000)).toBe('ok');
    const old = await at(-16 * 60_000);
    expect(isAuthFailure(old) && old.message).toMatch(/^Signature expired: 20250601T114400Z is now earlier than 20250601T114500Z/);
    const future = await at(16 * 60_000);
    expect(isAuthFailure(future) && future.message).toMatch(/^Signature not yet current/);
  });

  it('honours X-Amz-Expires for presigned requests', async () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    const signed = await presignRequest(ENDPOINT, build({ method: 'GET', segments: ['a'], query: [], header: '', body: undefined }),
      { ...KEY, service: 'rekognition', expiresIn: 3600, signingDate: new Date(now) });
    expect(verify(signed, KEY.secretAccessKey, now + 3599_000)).toBe('ok');
    const expired = verify(signed, KEY.secretAccessKey, now + 3601_000);
    expect(isAuthFailure(expired) && expired.message).toMatch(/^Request has expired/);
  });

  it('rejects a body whose x-amz-content-sha256 was left as signed but the body replaced', async () => {
    const signed = await signRequest(ENDPOINT, build({ method: 'POST', segments: [], query: [], header: '', body: '{"a":1}' }), { ...KEY, service: 'rekognition' });
    const result = verify({ ...signed, body: '{"a":2}' });
    expect(isAuthFailure(result) && result.message).toMatch(/does not match the SHA-256 of the request body/);
  });
});

describe('claims', () => {
  const head = (headers: Record<string, string>, url = '/') => requestHead('POST', url, Object.entries(headers).flat());

  it('names what is missing or malformed', () => {
    expect(readClaims(head({ host: 'h' }))).toMatchObject({ failure: 'MissingAuthenticationTokenException' });
    expect(readClaims(head({ host: 'h', authorization: 'AWS4-HMAC-SHA256 Credential=a/b' }))).toMatchObject({
      failure: 'IncompleteSignatureException', message: expect.stringContaining("requires 'SignedHeaders' parameter"),
    });
    expect(readClaims(head({ host: 'h', authorization: 'AWS AKID:sig' }))).toMatchObject({ failure: 'IncompleteSignatureException' });
    expect(readClaims(head({ host: 'h' }, '/?X-Amz-Signature=abc'))).toMatchObject({ failure: 'IncompleteSignatureException' });
  });

  it('checks the scope: terminator, date, service, region, session tokens', () => {
    const base: SignatureClaims = {
      form: 'header', accessKeyId: 'k', scope: { date: '20250601', region: 'us-east-1', service: 'rekognition', terminator: 'aws4_request' },
      signedHeaders: ['host'], signature: '0'.repeat(64), amzDate: '20250601T120000Z', signedAt: Date.UTC(2025, 5, 1, 12),
    };
    const headers = receivedHeaders(['Host', 'h']);
    const rules = { service: 'rekognition', regions: REGIONS, now: base.signedAt };
    expect(checkClaims(base, headers, rules)).toBeUndefined();
    expect(checkClaims(base, headers, { ...rules, service: 'bedrock-agentcore' })?.message).toBe("Credential should be scoped to correct service: 'bedrock-agentcore'.");
    expect(checkClaims({ ...base, scope: { ...base.scope, date: '20250531' } }, headers, rules)?.message).toMatch(/^Date in Credential scope does not match/);
    expect(checkClaims({ ...base, scope: { ...base.scope, terminator: 'aws5' } }, headers, rules)?.failure).toBe('InvalidSignatureException');
    expect(checkClaims({ ...base, scope: { ...base.scope, region: 'US EAST' } }, headers, rules)?.failure).toBe('InvalidSignatureException');
    expect(checkClaims({ ...base, securityToken: 't' }, headers, rules)?.failure).toBe('UnrecognizedClientException');
  });

  it('accepts the AWS regions and the operator\'s, and refuses any other region as a bad credential scope', () => {
    const claims = (region: string): SignatureClaims => ({
      form: 'header', accessKeyId: 'k', scope: { date: '20250601', region, service: 'rekognition', terminator: 'aws4_request' },
      signedHeaders: ['host'], signature: '0'.repeat(64), amzDate: '20250601T120000Z', signedAt: Date.UTC(2025, 5, 1, 12),
    });
    const headers = receivedHeaders(['Host', 'h']);
    const rules = { service: 'rekognition', regions: acceptedRegions(['lab-1']), now: Date.UTC(2025, 5, 1, 12) };
    for (const region of ['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-7', 'lab-1']) {
      expect(checkClaims(claims(region), headers, rules)).toBeUndefined();
    }
    for (const region of ['us-east-9', 'xx-fake-1', 'aws-global', 'lab-2', 'us-iso-east-1']) {
      expect(checkClaims(claims(region), headers, rules)).toEqual({
        failure: 'InvalidSignatureException', message: expect.stringMatching(new RegExp(`^Credential should be scoped to a valid region, not '${region}'`)),
      });
    }
  });

  it('requires host, content-type and every x-amz-* header present to be signed (but x-amz-user-agent, x-amz-content-sha256, x-amz-cf-id)', () => {
    const claims = (signedHeaders: string[]): SignatureClaims => ({
      form: 'header', accessKeyId: 'k', scope: { date: '20250601', region: 'us-east-1', service: 'rekognition', terminator: 'aws4_request' },
      signedHeaders, signature: '0'.repeat(64), amzDate: '20250601T120000Z', signedAt: Date.UTC(2025, 5, 1, 12),
    });
    const rules = { service: 'rekognition', regions: REGIONS, now: Date.UTC(2025, 5, 1, 12) };
    const headers = receivedHeaders([
      'Host', 'h', 'Content-Type', 'application/x-amz-json-1.1', 'X-Amz-Target', 'RekognitionService.DeleteDataset', 'X-Amz-Date', '20250601T120000Z',
      'X-Amz-User-Agent', 'aws-sdk-js/3', 'x-amz-content-sha256', '0'.repeat(64), 'X-Amz-Cf-Id', 'abc==', 'User-Agent', 'curl', 'Accept', '*/*',
      'X-Amzn-Trace-Id', 'Root=1',
    ]);
    expect(checkClaims(claims(['content-type', 'host', 'x-amz-date', 'x-amz-target']), headers, rules)).toBeUndefined();
    expect(checkClaims(claims(['content-type', 'x-amz-date', 'x-amz-target']), headers, rules)?.message).toMatch(/'Host' must be a signed header/);
    expect(checkClaims(claims(['content-type', 'host', 'x-amz-date']), headers, rules)).toEqual({
      failure: 'InvalidSignatureException', message: expect.stringMatching(/^There were headers present in the request which were not signed: x-amz-target\./),
    });
    expect(checkClaims(claims(['host', 'x-amz-date']), headers, rules)?.message).toMatch(/not signed: content-type, x-amz-target\./);
  });
});
