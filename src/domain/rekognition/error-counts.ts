// Counts of a dataset's entries by cl-error code (Trove's GetDatasetErrorCounts). The store keeps
// no per-code counters (DescribeDataset's ErrorEntries is one number), so the codes are read from
// the stored lines of the entries with errors, walked in listing order on their own index
// (has_errors = 1). One call reads within a byte and a time budget and hands back a token to go on
// from where it stopped, pinned like a page token to the revision of its first call: a client
// that follows the tokens to the end has exact counts of one revision, whatever the dataset's
// size, and one that stops early knows its counts are "at least".

import { LINE_ERRORS } from './manifest/error-codes.js';
import { ERRORS_KEY, isObject } from './manifest/line-check.js';
import { findLabelAttributes, metadataKeyOf } from './manifest/validate-line.js';
import { setImmediate as yieldTurn } from 'node:timers/promises';

/** How much one call may read before it answers with a token to go on. */
export interface ErrorCountBudget {
  /** Bytes of stored lines (UTF-8) read, at least one page's worth before the check. */
  readonly bytes: number;
  /** Wall time, checked between pages. */
  readonly ms: number;
}

/** Entries read per store call: a page of lines up to 100,000 characters each, so at most ~10 MB held at once. */
export const ERROR_COUNT_PAGE = 100;

/**
 * The distinct codes of one stored line's errors, where Trove writes them (validate-line.ts,
 * add-line-errors.ts): the line's own `cl-errors`, and each label attribute's, its -metadata
 * object's and its annotations'. The same places the console reads (entry-model.ts readEntry), so
 * an entry counts once per code as it does there. Only codes of Trove's error table are counted:
 * stored lines hold no others (the validator strips cl-errors sent in), and the answer stays
 * bounded by that table however a line looks.
 */
export function entryErrorCodes(line: string): Set<string> {
  const codes = new Set<string>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return codes;
  }
  if (!isObject(parsed)) return codes;
  const collect = (holder: unknown) => {
    if (!isObject(holder)) return;
    const errors = holder[ERRORS_KEY];
    if (!Array.isArray(errors)) return;
    for (const error of errors) {
      const code: unknown = isObject(error) ? error['code'] : undefined;
      if (typeof code === 'string' && Object.hasOwn(LINE_ERRORS, code)) codes.add(code);
    }
  };
  collect(parsed);
  for (const attribute of findLabelAttributes(parsed)) {
    const value = parsed[attribute];
    collect(value);
    collect(parsed[metadataKeyOf(attribute)]);
    const annotations = isObject(value) ? value['annotations'] : undefined;
    if (Array.isArray(annotations)) for (const annotation of annotations) collect(annotation);
  }
  return codes;
}

export interface ErrorCountsRead {
  /** Code → entries read in this call that have it. */
  readonly codes: Map<string, number>;
  /** Entries with errors read in this call. */
  readonly entries: number;
  /** The id to go on after, when the walk stopped before the end. */
  readonly afterId: number | undefined;
}

/**
 * Reads entries with errors after `afterId` (one page at a time from `page`) and counts their
 * codes, until there are no more or the budget is spent. Memory: one page of lines at a time
 * and one number per known code.
 */
export async function countErrorCodes(
  page: (afterId: number, limit: number) => Promise<readonly { readonly id: number; readonly line: string }[]>,
  afterId: number,
  budget: ErrorCountBudget,
  now: () => number = () => performance.now(),
): Promise<ErrorCountsRead> {
  const started = now();
  const codes = new Map<string, number>();
  let entries = 0;
  let bytes = 0;
  let after = afterId;
  for (;;) {
    const rows = await page(after, ERROR_COUNT_PAGE);
    for (const row of rows) {
      entries += 1;
      bytes += Buffer.byteLength(row.line);
      for (const code of entryErrorCodes(row.line)) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    if (rows.length < ERROR_COUNT_PAGE) return { codes, entries, afterId: undefined };
    after = rows[rows.length - 1].id;
    // Checked after a whole page, so every call makes progress however small the budget.
    if (bytes >= budget.bytes || now() - started >= budget.ms) return { codes, entries, afterId: after };
    // SQLite answers synchronously: without a turn of the event loop between pages, one walk
    // would hold every other request (health checks included) for its whole budget.
    await yieldTurn();
  }
}
