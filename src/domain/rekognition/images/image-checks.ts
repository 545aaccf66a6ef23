// The two ways ingest gets image findings for a chunk of entries: checked as the chunk comes
// (a streamed manifest, written in chunk transactions), or all checked ahead, before the one
// transaction that applies an UpdateDatasetEntries change (no network I/O inside a transaction).

import { mapConcurrent } from '../../../lib/map-concurrent.js';
import type { ExtraLineError } from '../manifest/add-line-errors.js';
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
export async function checkImagesAhead(lines: Iterable<string> | AsyncIterable<string>, checker: ImageChecker, concurrency: number): Promise<ImageCheck> {
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
  for await (const text of lines) {
    const bucket = SOURCE_REF_BUCKET.exec(text)?.[1];
    if (bucket !== undefined && checker.knownUnreachable(bucket)) continue;
    const outcome = validateLine(text);
    if (outcome.kind === 'dropped' || seen.has(outcome.entry.sourceRef)) continue;
    seen.add(outcome.entry.sourceRef);
    batch.push(outcome.entry);
    // A bucket not seen before: ask now, so the rest of its lines can be skipped if it is not there.
    if (batch.length >= 1000 || (bucket !== undefined && checker.unprobed(bucket))) await run();
  }
  await run();
  return async (entries) => entries.map((entry) => findings.get(entry.sourceRef));
}

/**
 * The bucket of a line's source-ref, found without parsing the line. A hint only: JSON escapes
 * quotes inside strings, so it matches only a real "source-ref" key, and a nested one read by
 * mistake can at worst leave that line's image unchecked.
 */
const SOURCE_REF_BUCKET = /"source-ref"\s*:\s*"s3:\/\/([^/"\\]+)\//;
