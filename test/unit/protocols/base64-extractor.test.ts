import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64Extractor } from '../../../src/protocols/base64-extractor.js';

/** Feeds `body` in the given chunk sizes; returns what JSON.parse makes of the extractor's text, placeholders resolved. */
function extractThenParse(body: Buffer, chunkSizes: number[], threshold: number): { value?: unknown; error?: true; blobs: number } {
  const extractor = new Base64Extractor(threshold, body.length);
  let at = 0;
  for (let i = 0; at < body.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length] ?? body.length);
    extractor.write(body.subarray(at, at + size));
    at += size;
  }
  const { text, blobs } = extractor.end();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: true, blobs: blobs.size };
  }
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') return blobs.has(value) ? blobs.get(value)!.toString('base64') : value;
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [resolve(k), resolve(v)]));
    return value;
  };
  return { value: resolve(parsed), blobs: blobs.size };
}

function parseDirectly(body: Buffer): { value?: unknown; error?: true } {
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { error: true };
  }
}

const base64 = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64'));
// Strings that look like base64 until they don't: bad padding bits, stray characters, escapes, quotes.
const almost = fc.tuple(base64, fc.constantFrom('QR==', 'QUI=', '=', '==', 'A', '\\', '"', '\n', 'é', '\u0000', '\\u0041', '/', '+', '-', '_', ' ', '.', '\\/'), fc.nat())
  .map(([text, odd, at]) => { const i = text.length === 0 ? 0 : at % text.length; return text.slice(0, i) + odd + text.slice(i); });
const value = fc.letrec((tie) => ({
  node: fc.oneof({ maxDepth: 3 }, base64, almost, fc.string(), fc.jsonValue({ maxDepth: 1 }), fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), base64), tie('node'), { maxKeys: 4 })),
})).node;
const chunking = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 });

describe('Base64Extractor', () => {
  it('gives JSON.parse the same values, with long base64 strings as bytes, however the body is chunked', () => {
    let extracted = 0;
    fc.assert(fc.property(value, chunking, fc.integer({ min: 4, max: 40 }), (input, chunks, threshold) => {
      const body = Buffer.from(JSON.stringify(input));
      const result = extractThenParse(body, chunks, threshold);
      extracted += result.blobs;
      expect(result).toEqual({ ...parseDirectly(body), blobs: expect.any(Number) });
    }), { numRuns: 2000 });
    // The property is about extracted strings: make sure there were many.
    expect(extracted).toBeGreaterThan(200);
  });

  it('fails to parse exactly when the body is not JSON (bytes cut, changed or invalid UTF-8)', () => {
    fc.assert(fc.property(value, chunking, fc.nat(), fc.integer({ min: 0, max: 255 }), (input, chunks, at, byte) => {
      const body = Buffer.from(JSON.stringify(input));
      const broken = Buffer.concat([body.subarray(0, at % (body.length + 1)), Buffer.from([byte]), body.subarray(at % (body.length + 1))]);
      const direct = parseDirectly(broken);
      expect(extractThenParse(broken, chunks, 8)).toEqual({ ...direct, blobs: expect.any(Number) });
      expect(extractThenParse(broken.subarray(0, broken.length - 1), chunks, 8).error).toBe(parseDirectly(broken.subarray(0, broken.length - 1)).error);
    }), { numRuns: 2000 });
  });

  it('takes a 5 MB GroundTruth out of a 7 MB body as bytes, whatever the chunk size', () => {
    const blob = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 7919) & 0xff;
    const body = Buffer.from(JSON.stringify({ DatasetArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/dataset/train/1', Changes: { GroundTruth: blob.toString('base64') } }));
    for (const chunk of [65_536, 16_384, 1_000_003]) {
      const extractor = new Base64Extractor(64 * 1024, body.length);
      for (let at = 0; at < body.length; at += chunk) extractor.write(body.subarray(at, at + chunk));
      const { text, blobs } = extractor.end();
      expect(text.length).toBeLessThan(200);
      const parsed = JSON.parse(text) as { Changes: { GroundTruth: string } };
      expect(blobs.get(parsed.Changes.GroundTruth)?.equals(blob)).toBe(true);
    }
  });

  it('keeps strings shorter than the threshold, and non-canonical base64, as text', () => {
    const body = Buffer.from(JSON.stringify({ a: 'QUJD', b: `${'QUJD'.repeat(100)}QR==`, c: `${'QUJD'.repeat(100)}QQ==` }));
    const extractor = new Base64Extractor(64, body.length);
    extractor.write(body);
    const { text, blobs } = extractor.end();
    expect(blobs.size).toBe(1);
    const parsed = JSON.parse(text) as Record<string, string>;
    expect(parsed.a).toBe('QUJD');
    expect(parsed.b).toBe(`${'QUJD'.repeat(100)}QR==`);
    expect(blobs.get(parsed.c)?.toString('base64')).toBe(`${'QUJD'.repeat(100)}QQ==`);
  });

  it('keeps a long string with one character outside the alphabet as text, wherever it falls (64 KiB pieces, chunk ends)', () => {
    const base = Buffer.alloc(150_000, 7).toString('base64');
    for (const odd of ['-', '_', '=', ' ', '.', 'é', '\\\\', '\\"', '\\n']) {
      for (const at of [0, 1, 65_535, 65_536, 65_537, 131_071, 131_072, base.length - 2]) {
        const text = `{"b":"${base.slice(0, at)}${odd}${base.slice(at)}"}`;
        const body = Buffer.from(text);
        for (const chunk of [65_536, 4_099]) {
          const result = extractThenParse(body, [chunk], 64 * 1024);
          expect(result).toEqual({ value: JSON.parse(text), blobs: 0 });
        }
      }
    }
  });
});
