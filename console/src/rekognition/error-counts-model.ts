// The errors-by-code summary of a Rekognition dataset, from Trove's GetDatasetErrorCounts (the
// server reads the entries with errors, a budget per call, and hands back a token to go on), or,
// for a key not allowed that call, from the entries with errors the browser reads itself (capped).
// Pure: no DOM, no React.

import { readEntry } from './entry-model.js';

export interface ErrorSummary {
  /** Code → entries that have it (an entry counts once per code), most frequent first. */
  readonly codes: readonly (readonly [string, number])[];
  /** Entries with errors counted. */
  readonly read: number;
  /** Every entry with errors was counted: the numbers are exact, not "at least". */
  readonly complete: boolean;
}

/** One GetDatasetErrorCounts answer (docs/trove-api.md). */
export interface ErrorCountsAnswer {
  readonly revision: number;
  readonly entriesRead: number;
  readonly errorCounts: readonly { readonly code: string; readonly entries: number }[];
  readonly nextToken?: string;
}

/**
 * Calls per summary at most: each reads up to the server's budget (8 MiB of lines or 200 ms), so
 * 40 cover 250,000 entries all with errors on a quiet machine (~11 calls); past them the counts
 * say "at least".
 */
export const MAX_COUNT_CALLS = 40;
/** Entries with errors the browser reads itself at most (20 pages), when the server may not count for this key. */
export const MAX_READ_IN_BROWSER = 2_000;

/** The server's counts summed over its calls (each call's counts are of the entries it read), following its tokens. */
export async function sumServerCounts(call: (nextToken: string | undefined) => Promise<ErrorCountsAnswer>, maxCalls = MAX_COUNT_CALLS): Promise<ErrorSummary> {
  const counts = new Map<string, number>();
  let read = 0;
  let token: string | undefined;
  let calls = 0;
  do {
    const answer = await call(token);
    calls += 1;
    read += answer.entriesRead;
    for (const { code, entries } of answer.errorCounts) counts.set(code, (counts.get(code) ?? 0) + entries);
    token = answer.nextToken;
  } while (token && calls < maxCalls);
  return summary(counts, read, token === undefined);
}

/** The codes of ListDatasetEntries lines (HasErrors=true pages), read until there are no more or `maxRead`. */
export async function countListedLines(page: (nextToken: string | undefined) => Promise<{ lines: readonly string[]; nextToken?: string }>, maxRead = MAX_READ_IN_BROWSER): Promise<ErrorSummary> {
  const counts = new Map<string, number>();
  let read = 0;
  let token: string | undefined;
  do {
    const out = await page(token);
    for (const line of out.lines) {
      read += 1;
      for (const code of new Set(readEntry(line).errors.map((e) => e.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    token = out.nextToken;
  } while (token && read < maxRead);
  return summary(counts, read, token === undefined);
}

function summary(counts: Map<string, number>, read: number, complete: boolean): ErrorSummary {
  return { codes: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])), read, complete };
}

/** `12 entries`, or `at least 12 entries` when not every entry with errors was counted. */
export function entriesText(entries: number, complete: boolean, format: (n: number) => string): string {
  return `${complete ? '' : 'at least '}${format(entries)} ${entries === 1 ? 'entry' : 'entries'}`;
}
