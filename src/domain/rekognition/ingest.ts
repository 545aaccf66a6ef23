import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EntryRow } from '../../store/records.js';
import type { ImageCheck } from './images/image-checks.js';
import { addLineErrors } from './manifest/add-line-errors.js';
import { validateLine } from './manifest/validate-line.js';
import type { DropReason, ValidatedEntry } from './manifest/validate-line.js';
import { BatchRejected } from './revision-writer.js';

/** Lines validated and written per chunk: this many, or fewer when they add up to CHUNK_CHARS (long lines). */
const CHUNK_LINES = 1000;
const CHUNK_CHARS = 4 * 1024 * 1024;
/**
 * Longest stretch of ingest work between two turns of the event loop (other requests are served
 * then). Small chunks are written many times a second, and turning the loop after each one let
 * every poll of the dataset's status in between the chunks of a change.
 */
const YIELD_AFTER_MS = 20;

/**
 * Writes a chunk of entries with distinct source-refs (RevisionWriter.upsert) and returns the
 * source-refs it skipped because the batch had already written them (the first line wins).
 */
export type WriteChunk = (rows: readonly EntryRow[]) => Promise<ReadonlySet<string>>;

/** A line of a change or manifest with its 1-based physical line number (blank lines count). */
export interface NumberedLine {
  readonly lineNumber: number;
  readonly text: string;
  /** `JSON.parse(text)`, when the line's writer has it already (an import's converted line: validateLine). */
  readonly parsed?: Record<string, unknown>;
}

/**
 * Lines to ingest, one by one or in batches (a batch costs one asynchronous step instead of one
 * per line: splitPieces gives the lines of a job's payload a piece at a time).
 */
export type LineSource = Iterable<NumberedLine> | AsyncIterable<NumberedLine> | AsyncIterable<readonly NumberedLine[]>;

function isBatch(item: NumberedLine | readonly NumberedLine[]): item is readonly NumberedLine[] {
  return Array.isArray(item);
}

/**
 * Told about every line ingest drops and every entry it writes with errors: what the ingest
 * report records (domain/rekognition/history/). Called only for those lines, never for clean ones.
 */
export interface IngestObserver {
  /** `text` is the line as sent, when the validator dropped it; `sourceRef` when known. */
  dropped(lineNumber: number, reason: DropReason, sourceRef?: string, text?: string): void;
  /** An entry written with errors: the codes of its cl-errors, in the order found (repeats included). */
  wroteWithErrors(lineNumber: number, sourceRef: string, codes: readonly string[]): void;
  /**
   * The totals of the ingest (lines read, dropped, ...) when it ends, also when it stops early (a
   * terminal error such as too many labels, a line past a limit, an unreadable file): a change
   * that failed after reading lines says how many it read, and one with none read says 0.
   */
  ingested?(result: IngestResult): void;
}

export interface IngestOptions {
  /** AWS: a dataset has at most this many labels; a batch that alone uses more stops at once. */
  readonly maxLabels: number;
  /** Errors found on each entry's image (images/image-checks.ts); without it no image is checked. */
  readonly checkImages?: ImageCheck;
  /** AWS: every image of an imported manifest sits in one bucket (ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS). */
  readonly oneBucket?: boolean;
  /** Told about each dropped line and each entry written with errors (the revision's ingest report). */
  readonly observer?: IngestObserver;
  /** Lines per chunk (default 1000): each chunk is one `write`, i.e. one transaction of a bulk import. */
  readonly chunkLines?: number;
  /** Characters of line text per chunk (default 4 MiB): a chunk closes at whichever limit comes first. */
  readonly chunkChars?: number;
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
 * before it is written. Between chunks, once YIELD_AFTER_MS have passed since the last time, it
 * yields to the event loop so requests keep being served.
 * Throws BatchRejected for terminal file errors found on the way.
 */
export async function ingestLines(lines: LineSource, write: WriteChunk, options: IngestOptions): Promise<IngestResult> {
  const { observer } = options;
  const result: IngestResult = { lines: 0, dropped: 0, written: 0, invalidImages: 0, droppedBy: {}, errorsBy: {} };
  const labels = new Set<string>();
  let bucket: string | undefined;
  let chunk = new Map<string, ValidatedEntry>();
  // The line number of each chunk entry, in the chunk's (insertion) order.
  let lineNumbers: number[] = [];
  let chunkChars = 0;
  let yielded = performance.now();

  const flush = async (): Promise<void> => {
    const entries = [...chunk.values()];
    const numbers = lineNumbers;
    chunk = new Map();
    lineNumbers = [];
    chunkChars = 0;
    const findings = options.checkImages && entries.length > 0 ? await options.checkImages(entries) : [];
    const rows: EntryRow[] = [];
    const rowNumbers: number[] = [];
    const invalid = new Set<string>();
    // The error codes of each entry that has any (most have none), counted once it is written.
    const codes: [sourceRef: string, codes: readonly string[]][] = [];
    entries.forEach((entry, i) => {
      const errors = findings[i];
      const outcome = errors && errors.length > 0 ? addLineErrors(entry, errors) : { kind: 'entry' as const, entry };
      if (outcome.kind === 'dropped') {
        result.dropped++;
        observer?.dropped(numbers[i], outcome.reason, entry.sourceRef);
        tally(result.droppedBy, outcome.reason);
        return;
      }
      if (outcome.entry !== entry) invalid.add(entry.sourceRef);
      if (entry.errorCodes || outcome.entry !== entry) codes.push([entry.sourceRef, [...entry.errorCodes ?? [], ...(errors ?? []).map((e) => e.code)]]);
      rows.push(toRow(outcome.entry));
      rowNumbers.push(numbers[i]);
    });
    const skipped = await write(rows);
    result.dropped += skipped.size;
    if (skipped.size > 0) tally(result.droppedBy, DUPLICATE, skipped.size);
    result.written += rows.length - skipped.size;
    for (const sourceRef of invalid) if (!skipped.has(sourceRef)) result.invalidImages++;
    for (const [sourceRef, entryCodes] of codes) {
      if (!skipped.has(sourceRef)) for (const code of entryCodes) tally(result.errorsBy, code);
    }
    if (observer) {
      const codesOf = new Map(codes);
      rows.forEach((row, i) => {
        if (skipped.has(row.sourceRef)) observer.dropped(rowNumbers[i], DUPLICATE, row.sourceRef);
        else if (row.hasErrors) observer.wroteWithErrors(rowNumbers[i], row.sourceRef, codesOf.get(row.sourceRef) ?? []);
      });
    }
    for (const row of rows) if (!skipped.has(row.sourceRef)) for (const [label] of row.labels) labels.add(label);
    if (labels.size > options.maxLabels) {
      throw new BatchRejected('ERROR_MANIFEST_TOO_MANY_LABELS',
        `The manifest file has too many labels: it uses more than the maximum of ${options.maxLabels}.`);
    }
  };

  /** Validates one line into the chunk; true when the chunk is full. */
  const take = ({ lineNumber, text, parsed }: NumberedLine): boolean => {
    result.lines++;
    const outcome = validateLine(text, undefined, parsed);
    // AWS: terminal content errors remove the line; an image may appear only once per change.
    if (outcome.kind === 'dropped') {
      result.dropped++;
      tally(result.droppedBy, outcome.reason);
      observer?.dropped(lineNumber, outcome.reason, undefined, text);
      return false;
    }
    const { entry } = outcome;
    if (chunk.has(entry.sourceRef)) {
      result.dropped++;
      tally(result.droppedBy, DUPLICATE);
      observer?.dropped(lineNumber, DUPLICATE, entry.sourceRef);
      return false;
    }
    if (options.oneBucket) bucket = sameBucket(bucket, entry.sourceRef);
    chunk.set(entry.sourceRef, entry);
    lineNumbers.push(lineNumber);
    chunkChars += text.length;
    return chunk.size >= (options.chunkLines ?? CHUNK_LINES) || chunkChars >= (options.chunkChars ?? CHUNK_CHARS);
  };
  const flushFull = async (): Promise<void> => {
    await flush();
    if (performance.now() - yielded >= YIELD_AFTER_MS) {
      await yieldToEventLoop();
      yielded = performance.now();
    }
  };

  try {
    for await (const item of lines) {
      if (!isBatch(item)) {
        if (take(item)) await flushFull();
        continue;
      }
      for (const line of item) if (take(line)) await flushFull();
    }
    await flush();
    return result;
  } finally {
    observer?.ingested?.(result);
  }
}

/** The reason counted for a line whose source-ref an earlier line of the same change already used. */
const DUPLICATE: DropReason = 'DUPLICATE_SOURCE_REF';

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
