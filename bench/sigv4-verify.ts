/**
 * What SigV4 verification costs per request, in-process, against the one cost it cannot avoid:
 * hashing the body. Prints microseconds per request and ratios measured in the same run.
 *
 *   npx tsx bench/sigv4-verify.ts
 */
import { acceptedRegions } from '../src/auth/regions.js';
import { hashPayload } from '../src/auth/sigv4/canonical-request.js';
import { isAuthFailure } from '../src/auth/sigv4/failure.js';
import { deriveSigningKey, SigningKeyCache } from '../src/auth/sigv4/signing-key.js';
import { checkClaims, readClaims, requestHead, verifySignature } from '../src/auth/sigv4/verify.js';
import { signRequest } from '../test/harness/sigv4.js';

const REGIONS = acceptedRegions([]);
const KEY = { accessKeyId: 'TROVBENCHKEY00000000', secretAccessKey: 'x'.repeat(40) };

async function signed(bodyBytes: number) {
  const body = JSON.stringify({ DatasetArn: 'arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1', Blob: 'a'.repeat(Math.max(0, bodyBytes - 100)) });
  const request = await signRequest('http://127.0.0.1:4599', {
    method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.UpdateDatasetEntries' }, body,
  }, { ...KEY, service: 'rekognition' });
  return { rawHeaders: Object.entries(request.headers).flat(), body: Buffer.from(body) };
}

function perRequestMicros(iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(200, iterations); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

for (const [label, bytes, iterations] of [['1 KB body', 1024, 20_000], ['5 MB body', 5 * 1024 * 1024, 60]] as const) {
  const { rawHeaders, body } = await signed(bytes);
  const cache = new SigningKeyCache();
  const verify = (keyOf: (date: string, region: string, service: string) => Buffer) => () => {
    const head = requestHead('POST', '/', rawHeaders);
    const claims = readClaims(head);
    if (isAuthFailure(claims)) throw new Error(claims.message);
    const problem = checkClaims(claims, head.headers, { service: 'rekognition', regions: REGIONS, now: Date.now() });
    if (problem) throw new Error(problem.message);
    const failure = verifySignature(claims, head, hashPayload(body), keyOf(claims.scope.date, claims.scope.region, claims.scope.service));
    if (failure) throw new Error(failure.message);
  };
  const baseline = perRequestMicros(iterations, () => hashPayload(body));
  const cached = perRequestMicros(iterations, verify((d, r, s) => cache.get(KEY.accessKeyId, KEY.secretAccessKey, d, r, s)));
  const uncached = perRequestMicros(iterations, verify((d, r, s) => deriveSigningKey(KEY.secretAccessKey, d, r, s)));
  console.log(`${label}: sha256(body) ${baseline.toFixed(1)} µs | full verification ${cached.toFixed(1)} µs (×${(cached / baseline).toFixed(2)} of hashing alone)`
    + ` | without the signing-key cache ${uncached.toFixed(1)} µs (×${(uncached / cached).toFixed(2)} of cached)`);
}
