// The two ways ingest gets image findings for a chunk of entries: checked as the chunk comes
// (a streamed manifest, written in chunk transactions), or all checked ahead, before the one
// transaction that applies an UpdateDatasetEntries change (no network I/O inside a transaction).

import { mapConcurrent } from '../../../lib/map-concurrent.js';
import type { ExtraLineError } from '../manifest/add-line-errors.js';
import { lineTextOf } from '../manifest/split-lines.js';
import type { LineBytes } from '../manifest/split-lines.js';
import { validateLine } from '../manifest/validate-line.js';
import type { ValidatedEntry } from '../manifest/validate-line.js';
import type { ImageChecker } from './image-checker.js';

/** Errors to add to each entry of a chunk, in order; undefined: nothing to add (or not checked). */
export type ImageCheck = (entries: readonly ValidatedEntry[]) => Promise<readonly (readonly ExtraLineError[] | undefined)[]>;

const expectationOf = (entry: ValidatedEntry) => ({ declaredSizes: entry.imageSizes ?? [] });

/** Checks each chunk's images when the chunk is ingested, `concurrency` reads in flight. */
export function liveImageCheck(checker: ImageChecker, concurrency: number): ImageCheck {
  return (entries) => mapConcurrent(entries, concurrency, (entry) => checker.check(entry.sourceRef, expectationOf(entry)));
}

/**
 * Checks, before ingest, the image of the first valid line of each source-ref (the line ingest
 * keeps), and answers ingest's chunks from memory. For bounded input only (a 5 MB change): it
 * keeps the findings of the images that broke a rule. The first image of each bucket is checked
 * at once, and lines in a bucket the store does not have are then skipped without being
 * validated, so a change whose images Trove cannot reach costs almost nothing here.
 */
export async function checkImagesAhead(
  lines: AsyncIterable<readonly LineBytes[]>, checker: ImageChecker, concurrency: number,
): Promise<ImageCheck> {
  const seen = new Set<string>();
  const findings = new Map<string, readonly ExtraLineError[]>();
  let batch: ValidatedEntry[] = [];
  const run = async () => {
    const results = await mapConcurrent(batch, concurrency, (entry) => checker.check(entry.sourceRef, expectationOf(entry)));
    batch.forEach((entry, i) => {
      const found = results[i];
      if (found && found.length > 0) findings.set(entry.sourceRef, found);
    });
    batch = [];
  };
  // Lines come as bytes (a change's payload, a piece's lines at a time) and are decoded only
  // when their bucket may be reachable.
  for await (const piece of lines) {
    for (const line of piece) {
      const bucket = bucketOfBytes(line.bytes);
      if (bucket !== undefined && checker.knownUnreachable(bucket)) continue;
      const text = lineTextOf(line);
      if (text === undefined) continue;
      const outcome = validateLine(text);
      if (outcome.kind === 'dropped' || seen.has(outcome.entry.sourceRef)) continue;
      seen.add(outcome.entry.sourceRef);
      batch.push(outcome.entry);
      // A bucket not seen before: ask now, so the rest of its lines can be skipped if it is not there.
      if (batch.length >= 1000 || (bucket !== undefined && checker.unprobed(bucket))) await run();
    }
  }
  await run();
  return async (entries) => entries.map((entry) => findings.get(entry.sourceRef));
}

const SOURCE_REF_KEY = Buffer.from('"source-ref"');
const S3_PREFIX = Buffer.from('"s3://');

/**
 * The bucket of the line before, as bytes and as text: the lines of a change nearly always name
 * one bucket, so its name is compared in place instead of being decoded into a new string a line.
 */
let lastBucketBytes = Buffer.alloc(0);
let lastBucket = '';

/**
 * The bucket of a line's source-ref (`"source-ref": "s3://bucket/`), found in its UTF-8 bytes
 * without decoding or parsing the line. JSON escapes quotes inside strings, so it matches only a
 * real "source-ref" key; a line with more than one such key (a repeated key, whose last value
 * JSON.parse keeps, or a nested one) gets no hint, and is parsed: a hint from the wrong key would
 * skip the line's image check. One native search a line (for a second key): the key where lines
 * put it, the prefix and the bucket name are compared byte by byte here, as a call into the
 * runtime costs more than reading a few bytes (the pass took ~0.65 us a line with four calls).
 */
function bucketOfBytes(bytes: Buffer): string | undefined {
  let at = bytes[0] === 0x7b && bytesAt(bytes, 1, SOURCE_REF_KEY) ? 1 : bytes.indexOf(SOURCE_REF_KEY);
  if (at < 0 || bytes.indexOf(SOURCE_REF_KEY, at + 1) >= 0) return undefined;
  at = skipSpaces(bytes, at + SOURCE_REF_KEY.length);
  if (bytes[at] !== 0x3a) return undefined;
  at = skipSpaces(bytes, at + 1);
  if (!bytesAt(bytes, at, S3_PREFIX)) return undefined;
  const start = at + S3_PREFIX.length;
  for (let end = start; end < bytes.length; end++) {
    const c = bytes[end];
    if (c === 0x2f) return end > start ? bucketText(bytes, start, end) : undefined;
    if (c === 0x22 || c === 0x5c) return undefined;
  }
  return undefined;
}

/** Whether `bytes` holds `expected` at `at`. */
function bytesAt(bytes: Buffer, at: number, expected: Buffer): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** The text of bytes [start, end): the last bucket's string when they are its bytes. */
function bucketText(bytes: Buffer, start: number, end: number): string {
  if (end - start !== lastBucketBytes.length || !bytesAt(bytes, start, lastBucketBytes)) {
    lastBucketBytes = Buffer.from(bytes.subarray(start, end));
    lastBucket = bytes.toString('utf8', start, end);
  }
  return lastBucket;
}

/** JSON whitespace, between a key and its value. */
function skipSpaces(bytes: Buffer, at: number): number {
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) at++;
  return at;
}
