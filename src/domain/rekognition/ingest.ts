import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EntryRow } from '../../store/records.js';
import type { ImageCheck } from './images/image-checks.js';
import { addLineErrors } from './manifest/add-line-errors.js';
import { validateLine } from './manifest/validate-line.js';
import type { ValidatedEntry } from './manifest/validate-line.js';
import { BatchRejected } from './revision-writer.js';

/** Lines validated and written per chunk. */
const CHUNK_LINES = 1000;

/**
 * Writes a chunk of entries with distinct source-refs (RevisionWriter.upsert) and returns the
 * source-refs it skipped because the batch had already written them (the first line wins).
 */
export type WriteChunk = (rows: readonly EntryRow[]) => Promise<ReadonlySet<string>>;

export interface IngestOptions {
  /** AWS: a dataset has at most this many labels; a batch that alone uses more stops at once. */
  readonly maxLabels: number;
  /** Errors found on each entry's image (images/image-checks.ts); without it no image is checked. */
  readonly checkImages?: ImageCheck;
  /** AWS: every image of an imported manifest sits in one bucket (ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS). */
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
  /** Dropped lines by reason (validate-line's DropReason, or DUPLICATE_SOURCE_REF), for the metrics. */
  droppedBy: Record<string, number>;
  /** Errors written into the entries, by code, for the metrics. */
  errorsBy: Record<string, number>;
}

/**
 * Validates manifest lines one by one and hands them to `write` in chunks, so memory stays
 * bounded by a chunk whatever the number of lines (duplicates across chunks are found by the
 * writer in the database, not in a set of every source-ref). Each chunk's image errors are added
 * before it is written. Between chunks it yields to the event loop so requests keep being served.
 * Throws BatchRejected for terminal file errors found on the way.
 */
export async function ingestLines(
  lines: Iterable<string> | AsyncIterable<string>, write: WriteChunk, options: IngestOptions,
): Promise<IngestResult> {
  const result: IngestResult = { lines: 0, dropped: 0, written: 0, invalidImages: 0, droppedBy: {}, errorsBy: {} };
  const labels = new Set<string>();
  let bucket: string | undefined;
  let chunk = new Map<string, ValidatedEntry>();

  const flush = async (): Promise<void> => {
    const entries = [...chunk.values()];
    chunk = new Map();
    const findings = options.checkImages && entries.length > 0 ? await options.checkImages(entries) : [];
    const rows: EntryRow[] = [];
    const invalid = new Set<string>();
    // The error codes of each entry that has any (most have none), counted once it is written.
    const codes: [sourceRef: string, codes: readonly string[]][] = [];
    entries.forEach((entry, i) => {
      const errors = findings[i];
      const outcome = errors && errors.length > 0 ? addLineErrors(entry, errors) : { kind: 'entry' as const, entry };
      if (outcome.kind === 'dropped') {
        result.dropped++;
        tally(result.droppedBy, outcome.reason);
        return;
      }
      if (outcome.entry !== entry) invalid.add(entry.sourceRef);
      if (entry.errorCodes || outcome.entry !== entry) codes.push([entry.sourceRef, [...entry.errorCodes ?? [], ...(errors ?? []).map((e) => e.code)]]);
      rows.push(toRow(outcome.entry));
    });
    const skipped = await write(rows);
    result.dropped += skipped.size;
    if (skipped.size > 0) tally(result.droppedBy, DUPLICATE, skipped.size);
    result.written += rows.length - skipped.size;
    for (const sourceRef of invalid) if (!skipped.has(sourceRef)) result.invalidImages++;
    for (const [sourceRef, entryCodes] of codes) {
      if (!skipped.has(sourceRef)) for (const code of entryCodes) tally(result.errorsBy, code);
    }
    for (const row of rows) if (!skipped.has(row.sourceRef)) for (const [label] of row.labels) labels.add(label);
    if (labels.size > options.maxLabels) {
      throw new BatchRejected('ERROR_MANIFEST_TOO_MANY_LABELS',
        `The manifest file has too many labels: it uses more than the maximum of ${options.maxLabels}.`);
    }
  };

  for await (const text of lines) {
    result.lines++;
    const outcome = validateLine(text);
    // AWS: terminal content errors remove the line; an image may appear only once per change.
    if (outcome.kind === 'dropped' || chunk.has(outcome.entry.sourceRef)) {
      result.dropped++;
      tally(result.droppedBy, outcome.kind === 'dropped' ? outcome.reason : DUPLICATE);
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

/** The reason counted for a line whose source-ref an earlier line of the same change already used. */
const DUPLICATE = 'DUPLICATE_SOURCE_REF';

function tally(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

function toRow(entry: ValidatedEntry): EntryRow {
  return {
    sourceRef: entry.sourceRef,
    line: entry.line,
    labels: entry.labels.map((label) => [label.name, label.boxes] as const),
    isLabeled: entry.isLabeled,
    hasErrors: entry.hasErrors,
  };
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
