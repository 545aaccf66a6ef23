// The ingest report of one revision: each line the change dropped (its line number, the
// source-ref where there is one, the reason) and each entry it wrote with errors (with the
// error codes); for an import (COCO, YOLO), first what its conversion left out before there were
// lines (a box of an unknown image or category, an image without a location or a readable size),
// each with its reason. AWS reports none of it. Items are kept as compact JSON tuples and cut into parts
// of a few hundred KB, so a large report is a few rows to store and a page is one or two to read.

import { DROP_REASONS, dropMessage } from '../manifest/error-codes.js';
import type { DropReason } from '../manifest/error-codes.js';
import type { LeftOut, LeftOutReason } from './left-out.js';
import { MAX_LINE_CHARS } from '../manifest/validate-line.js';
import type { ReportPart } from '../../../store/rk-history-records.js';

/** One item of a report as the API returns it. */
export type ReportItem =
  | { lineNumber: number; problem: 'DROPPED'; reason: DropReason; message: string; sourceRef?: string }
  | { lineNumber: number; problem: 'ERRORS'; sourceRef: string; errorCodes: string[] }
  | { problem: 'LEFT_OUT'; reason: LeftOutReason; message: string; sourceRef?: string };

/**
 * Stored form: [line, 'D', reason, sourceRef | null], [line, 'E', sourceRef, codes], or
 * [0, 'L', reason, message, sourceRef | null]: a left-out item has no line (it never became
 * one), and line 0 sorts it before every line, in the order the conversion met it.
 */
type StoredItem = [number, 'D', DropReason, string | null] | [number, 'E', string, string[]] | [0, 'L', LeftOutReason, string, string | null];

/** Items per stored part, and the text size at which a part is closed earlier. */
const PART_ITEMS = 500;
const PART_CHARS = 256 * 1024;
/**
 * Most report text kept per revision (the report is held in memory until the revision is
 * published). Typical items take 60-120 characters, so this holds every dropped line of any
 * change that can succeed; past it items are only counted (`omitted`).
 */
export const MAX_REPORT_CHARS = 8 * 1024 * 1024;
/** A source-ref is kept up to this length (S3 keys are at most 1024 bytes; longer ones are not real). */
const MAX_SOURCE_REF_CHARS = 2048;
/** A left-out item's message is kept up to this length (the conversion's messages quote at most an s3:// location and a few short values). */
const MAX_MESSAGE_CHARS = 2048;

const SOURCE_REF_HINT = /"source-ref"\s*:\s*("(?:[^"\\]|\\.)*")/;

export class IngestReport {
  /** Items in the order found (a chunk's duplicates and errors come when it is written), sorted by line at the end. */
  readonly #found: { line: number; text: string }[] = [];
  #chars = 0;
  #omitted = 0;

  get items(): number {
    return this.#found.length;
  }

  get omitted(): number {
    return this.#omitted;
  }

  dropped(lineNumber: number, reason: DropReason, sourceRef?: string, text?: string): void {
    const ref = sourceRef ?? (text === undefined ? undefined : sourceRefHint(text));
    this.#add([lineNumber, 'D', reason, ref === undefined ? null : clip(ref)]);
  }

  /** `codes`: the entry's error codes in the order found; each is listed once. */
  wroteWithErrors(lineNumber: number, sourceRef: string, codes: readonly string[]): void {
    this.#add([lineNumber, 'E', clip(sourceRef), [...new Set(codes)]]);
  }

  /** Something a conversion left out: listed before the lines, like them within the report's bound. */
  leftOut(item: LeftOut): void {
    this.#add([0, 'L', item.reason, clip(item.message, MAX_MESSAGE_CHARS), item.sourceRef === undefined ? null : clip(item.sourceRef)]);
  }

  /** The report in line order (left-out items first), cut into parts, ready to store. */
  parts(): ReportPart[] {
    const sorted = [...this.#found].sort((a, b) => a.line - b.line);
    const parts: ReportPart[] = [];
    for (let start = 0; start < sorted.length;) {
      let end = start;
      let chars = 0;
      while (end < sorted.length && end - start < PART_ITEMS && chars < PART_CHARS) chars += sorted[end++].text.length;
      parts.push({ part: parts.length, firstItem: start, items: `[${sorted.slice(start, end).map((item) => item.text).join(',')}]` });
      start = end;
    }
    return parts;
  }

  #add(item: StoredItem): void {
    const text = JSON.stringify(item);
    if (this.#chars + text.length > MAX_REPORT_CHARS) {
      this.#omitted++;
      return;
    }
    this.#found.push({ line: item[0], text });
    this.#chars += text.length;
  }
}

/** The items of stored parts, numbered from the first part's first item. */
export function readReportItems(parts: readonly ReportPart[]): { index: number; item: ReportItem }[] {
  const out: { index: number; item: ReportItem }[] = [];
  for (const part of parts) {
    (JSON.parse(part.items) as StoredItem[]).forEach((stored, i) => out.push({ index: part.firstItem + i, item: toItem(stored) }));
  }
  return out;
}

function toItem(stored: StoredItem): ReportItem {
  if (stored[1] === 'L') {
    const [, , reason, message, sourceRef] = stored;
    return { problem: 'LEFT_OUT', reason, message, ...(sourceRef === null ? {} : { sourceRef }) };
  }
  if (stored[1] === 'E') return { lineNumber: stored[0], problem: 'ERRORS', sourceRef: stored[2], errorCodes: stored[3] };
  const [lineNumber, , reason, sourceRef] = stored;
  const message = reason === 'LINE_TOO_LONG' ? dropMessage(reason, String(MAX_LINE_CHARS)) : DROP_REASONS[reason].message;
  return { lineNumber, problem: 'DROPPED', reason, message, ...(sourceRef === null ? {} : { sourceRef }) };
}

/**
 * The source-ref of a line the validator dropped, read from its text without parsing it (it
 * may not be JSON at all): the first `"source-ref": "..."` string, as the line says it.
 */
function sourceRefHint(text: string): string | undefined {
  const match = SOURCE_REF_HINT.exec(text);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
}

function clip(text: string, max = MAX_SOURCE_REF_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
