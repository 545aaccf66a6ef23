// Adds errors found outside the pure line validator (the image checks) to a validated entry,
// keeping the stored line, hasErrors and the 100,000-character limit consistent.

import { lineErrorMessage } from './error-codes.js';
import type { LineError, LineErrorCode } from './error-codes.js';
import { ERRORS_KEY, isObject } from './line-check.js';
import { drop, MAX_LINE_CHARS } from './validate-line.js';
import type { LineOutcome, ValidatedEntry } from './validate-line.js';

export interface ExtraLineError {
  code: LineErrorCode;
  /** Said after the AWS message, e.g. why the image is invalid. */
  detail?: string;
}

/**
 * The entry with `errors` appended to the line's top-level `cl-errors` (created after
 * `cl-metadata` when the line had none). Trove: a line that no longer fits DatasetEntry
 * (100,000 characters) once its errors are added is dropped, as validateLine does.
 */
export function addLineErrors(entry: ValidatedEntry, errors: readonly ExtraLineError[], maxLineChars = MAX_LINE_CHARS): LineOutcome {
  if (errors.length === 0) return { kind: 'entry', entry };
  const parsed: unknown = JSON.parse(entry.line);
  if (!isObject(parsed)) throw new Error('a validated entry line is always a JSON object');
  const added: LineError[] = errors.map(({ code, detail }) => ({
    code,
    message: detail ? `${lineErrorMessage(code)} ${detail}` : lineErrorMessage(code),
  }));
  const existing = parsed[ERRORS_KEY];
  parsed[ERRORS_KEY] = Array.isArray(existing) ? [...(existing as unknown[]), ...added] : added;
  const line = JSON.stringify(parsed);
  if (line.length > maxLineChars) return drop('LINE_TOO_LONG', String(maxLineChars));
  return { kind: 'entry', entry: { ...entry, line, hasErrors: true } };
}
