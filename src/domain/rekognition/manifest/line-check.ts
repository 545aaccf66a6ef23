// What the pair validators share while one manifest line is checked: the top-level errors, a
// count of every error written anywhere (for hasErrors) and the labels of valid attributes.

import {
  hoistedLineErrorMessage,
  lineErrorMessage,
  type LineError,
  type LineErrorCode,
} from './error-codes.js';

export type JsonObject = Record<string, unknown>;

/** The key AWS uses for error arrays in lines returned by ListDatasetEntries. */
export const ERRORS_KEY = 'cl-errors';

/** AWS: the API shape DatasetLabel is 1..255 characters; Trove holds stored labels to it. */
export const MAX_LABEL_NAME_LENGTH = 255;

export interface LineCheck {
  /** Errors for the top-level `cl-errors`, in the order found. */
  lineErrors: LineError[];
  /** Every error written into the line, at any level. */
  errorCount: number;
  /** Their codes, in the order found (for the metrics); undefined while there is none. */
  codes: LineErrorCode[] | undefined;
  /** Label name → number of valid boxes using it on this image (0 for image-level labels). */
  labels: Map<string, number>;
  /** The image_size of each bounding-box attribute whose image_size is well-formed. */
  imageSizes: { width: number; height: number }[];
  /** Service-owned keys (`cl-errors`) were removed from the input, so its text can't be reused as is. */
  stripped: boolean;
}

export function newLineCheck(): LineCheck {
  return { lineErrors: [], errorCount: 0, codes: undefined, labels: new Map(), imageSizes: [], stripped: false };
}

function counted(check: LineCheck, code: LineErrorCode): void {
  check.errorCount += 1;
  (check.codes ??= []).push(code);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends an error to `target`'s own `cl-errors`, creating it last so it serializes last. */
export function addError(check: LineCheck, target: JsonObject, code: LineErrorCode, ...args: string[]): void {
  const error: LineError = { code, message: lineErrorMessage(code, ...args) };
  const existing = target[ERRORS_KEY];
  if (Array.isArray(existing)) existing.push(error);
  else target[ERRORS_KEY] = [error];
  counted(check, code);
}

export function addLineError(check: LineCheck, code: LineErrorCode, ...args: string[]): void {
  check.lineErrors.push({ code, message: lineErrorMessage(code, ...args) });
  counted(check, code);
}

/** A pair-level error that must sit at the top level because its own object cannot hold it. */
export function addHoistedError(check: LineCheck, code: LineErrorCode, name: string): void {
  check.lineErrors.push({ code, message: hoistedLineErrorMessage(code, name) });
  counted(check, code);
}

export function addLabel(check: LineCheck, name: string, boxes: number): void {
  check.labels.set(name, (check.labels.get(name) ?? 0) + boxes);
}

/** AWS: human-annotated is "yes" or "no". */
export function isHumanAnnotated(value: unknown): boolean {
  return value === 'yes' || value === 'no';
}

/**
 * Trove: a label name or source-ref containing U+0000 is malformed. PostgreSQL text cannot hold
 * it, and S3 keys cannot carry it (S3's XML API has no way to write it), so both backends refuse it alike.
 */
export function hasNulCharacter(text: string): boolean {
  return text.includes('\u0000');
}

export function isLabelNameTooLong(name: string): boolean {
  return name.length > MAX_LABEL_NAME_LENGTH;
}
