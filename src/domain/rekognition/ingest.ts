import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { mapConcurrent } from '../../lib/map-concurrent.js';
import type { EntryRow } from '../../store/records.js';
import type { ImageChecker } from './images/image-checker.js';
import { addLineErrors } from './manifest/add-line-errors.js';
import { validateLine } from './manifest/validate-line.js';
import type { ValidatedEntry } from './manifest/validate-line.js';
import { BatchRejected } from './revision-writer.js';
import type { RevisionWriter } from './revision-writer.js';

/** Lines validated and written per chunk transaction. */
const CHUNK_LINES = 1000;

export interface IngestOptions {
  /** AWS: a dataset has at most this many labels; a batch that alone uses more stops at once. */
  readonly maxLabels: number;
  /** Checks the images the object store can reach; without it no image is checked. */
  readonly images?: { readonly checker: ImageChecker; readonly concurrency: number };
  /** AWS: every image of an imported manifest must sit in one bucket (ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS). */
  readonly oneBucket?: boolean;
}

export interface IngestResult {
  /** Non-blank lines read. */
  lines: number;
  /** Lines dropped for terminal content errors (bad JSON, bad or duplicate source-ref, too long). */
  dropped: number;
  /** Entries written (added or replaced). */
  written: number;
  /** Written entries whose image broke a rule (ERROR_INVALID_IMAGE / ERROR_INVALID_IMAGE_DIMENSION). */
  invalidImages: number;
}

/**
 * Validates manifest lines one by one and upserts them through `writer` in chunks, so memory
 * stays bounded by a chunk whatever the number of lines: duplicates are found in the database
 * (rows this batch already wrote), not in a set of every source-ref. Each chunk's images are
 * checked with bounded concurrency before it is written. Between chunks it yields to the event
 * loop so requests keep being served while a large batch is applied. Throws BatchRejected for
 * terminal file errors found on the way.
 */
export async function ingestLines(
  lines: Iterable<string> | AsyncIterable<string>, writer: RevisionWriter, options: IngestOptions,
): Promise<IngestResult> {
  const result: IngestResult = { lines: 0, dropped: 0, written: 0, invalidImages: 0 };
  const labels = new Set<string>();
  let bucket: string | undefined;
  let chunk = new Map<string, ValidatedEntry>();

  const flush = async (): Promise<void> => {
    // AWS: an image may appear only once per change; the first line wins.
    const earlier = await writer.writtenBefore([...chunk.keys()]);
    const fresh = [...chunk.values()].filter((entry) => !earlier.has(entry.sourceRef));
    result.dropped += chunk.size - fresh.length;
    chunk = new Map();
    const rows = await checkImages(fresh, options, result);
    for (const row of rows) for (const [label] of row.labels) labels.add(label);
    if (labels.size > options.maxLabels) {
      throw new BatchRejected('ERROR_MANIFEST_TOO_MANY_LABELS',
        `The manifest file has too many labels: it uses more than the maximum of ${options.maxLabels}.`);
    }
    await writer.upsert(rows);
    result.written += rows.length;
  };

  for await (const text of lines) {
    result.lines++;
    const outcome = validateLine(text);
    // AWS: terminal content errors remove the line.
    if (outcome.kind === 'dropped' || chunk.has(outcome.entry.sourceRef)) {
      result.dropped++;
      continue;
    }
    const { entry } = outcome;
    if (options.oneBucket) bucket = sameBucket(bucket, entry.sourceRef);
    chunk.set(entry.sourceRef, entry);
    if (chunk.size >= CHUNK_LINES) {
      await flush();
      await yieldToEventLoop();
    }
  }
  await flush();
  return result;
}

/** The chunk's rows, each with the errors its image check found added to its line. */
async function checkImages(entries: readonly ValidatedEntry[], options: IngestOptions, result: IngestResult): Promise<EntryRow[]> {
  const images = options.images;
  const checked = images
    ? await mapConcurrent(entries, images.concurrency, async (entry) => {
      const findings = await images.checker.check(entry.sourceRef, { declaredSizes: entry.imageSizes ?? [] });
      return findings && findings.length > 0 ? { entry, findings } : { entry, findings: undefined };
    })
    : entries.map((entry) => ({ entry, findings: undefined }));
  const rows: EntryRow[] = [];
  for (const { entry, findings } of checked) {
    let final = entry;
    if (findings) {
      const outcome = addLineErrors(entry, findings);
      if (outcome.kind === 'dropped') {
        result.dropped++;
        continue;
      }
      final = outcome.entry;
      result.invalidImages++;
    }
    rows.push({
      sourceRef: final.sourceRef,
      line: final.line,
      labels: final.labels.map((label) => [label.name, label.boxes] as const),
      isLabeled: final.isLabeled,
      hasErrors: final.hasErrors,
    });
  }
  return rows;
}

/** AWS: all images of an imported dataset sit in the same S3 bucket. */
function sameBucket(bucket: string | undefined, sourceRef: string): string {
  // validateLine has checked the form s3://bucket/key.
  const own = sourceRef.slice(5, sourceRef.indexOf('/', 5));
  if (bucket !== undefined && own !== bucket) {
    throw new BatchRejected('ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS',
      `The manifest's images are in more than one S3 bucket ("${bucket}" and "${own}"); all images of a dataset must be in the same bucket.`);
  }
  return own;
}
