import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EntryRow } from '../../store/records.js';
import { validateLine } from './manifest/validate-line.js';

/** Lines validated and written per chunk transaction. */
const CHUNK_LINES = 1000;

export interface IngestResult {
  /** Non-blank lines read. */
  lines: number;
  /** Lines dropped for terminal content errors (bad JSON, bad or duplicate source-ref, too long). */
  dropped: number;
  /** Entries written (added or replaced). */
  written: number;
}

/**
 * Validates manifest lines one by one and hands them to `write` in chunks (typically
 * `RevisionWriter.upsert`), so memory stays bounded by a chunk whatever the number of lines.
 * Between chunks it yields to the event loop so requests keep being served meanwhile.
 */
export async function ingestLines(
  lines: Iterable<string> | AsyncIterable<string>,
  write: (rows: readonly EntryRow[]) => Promise<void>,
): Promise<IngestResult> {
  const seen = new Set<string>();
  const result: IngestResult = { lines: 0, dropped: 0, written: 0 };
  let chunk: EntryRow[] = [];
  for await (const text of lines) {
    result.lines++;
    const outcome = validateLine(text);
    // AWS: terminal content errors remove the line; an image may appear only once per change.
    if (outcome.kind === 'dropped' || seen.has(outcome.entry.sourceRef)) {
      result.dropped++;
      continue;
    }
    const { entry } = outcome;
    seen.add(entry.sourceRef);
    chunk.push({
      sourceRef: entry.sourceRef,
      line: entry.line,
      labels: entry.labels.map((label) => [label.name, label.boxes] as const),
      isLabeled: entry.isLabeled,
      hasErrors: entry.hasErrors,
    });
    if (chunk.length >= CHUNK_LINES) {
      await write(chunk);
      result.written += chunk.length;
      chunk = [];
      await yieldToEventLoop();
    }
  }
  await write(chunk);
  result.written += chunk.length;
  return result;
}
