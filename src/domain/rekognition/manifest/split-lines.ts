// Splits a JSON Lines blob (an UpdateDatasetEntries `GroundTruth` change, as its job reads it in
// pieces) into its non-blank lines. The bytes are decoded a line at a time: each line is its own short
// string, so a 5 MB blob is never also held as one 5 MB string (which every line would keep
// alive for the whole job, and which the heap only gives back at its next full collection).

import { OPEN_OBJECT } from '../../../lib/json-codes.js';

export interface ManifestLine {
  /** 1-based number of the physical line in the blob, blank lines included. */
  lineNumber: number;
  /** The line without its terminator (`\n` or `\r\n`). */
  text: string;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/**
 * The non-blank lines of a blob that arrives in pieces (a job's stored payload, JobBody.pieces),
 * the lines a piece completes at a time: one asynchronous step per piece rather than per line (the
 * nested asynchronous generators of the job's two passes cost a few microseconds a line: the
 * batches took 60-100 ms off splitting and validating a 5 MB change of 23,000 lines). Only the current piece and a line
 * that spans pieces are held, never the whole blob. Where the pieces are cut does not change
 * the lines; decoding line by line gives the same text as decoding the whole blob (`\n` and `\r`
 * are single bytes that never occur inside a UTF-8 sequence, and an incomplete sequence before
 * them decodes to U+FFFD either way).
 */
export async function* splitPieces(pieces: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<ManifestLine[]> {
  for await (const lines of splitPieceBytes(pieces)) {
    const texts = decoded(lines);
    if (texts.length > 0) yield texts;
  }
}

/** A line's bytes: no terminator, `\r` or byte-order mark; its text may still be blank. */
export interface LineBytes {
  readonly lineNumber: number;
  readonly bytes: Buffer;
}

/**
 * The lines of a blob in pieces, not decoded yet (`lineTextOf` decodes one), the lines each
 * piece completes at a time: for a pass that needs only a few of them as text (the image
 * checks' look at each line's bucket).
 */
export async function* splitPieceBytes(pieces: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<LineBytes[]> {
  const cutter = new LineCutter();
  for await (const piece of pieces) {
    const lines = cutter.cut(piece);
    if (lines.length > 0) yield lines;
  }
  const last = cutter.end();
  if (last.length > 0) yield last;
}

/** The text of a line; undefined when it is blank (a line the manifest readers skip). */
export function lineTextOf(line: LineBytes): string | undefined {
  const text = line.bytes.toString('utf8');
  return isBlank(text, 0, text.length) ? undefined : text;
}

function decoded(lines: readonly LineBytes[]): ManifestLine[] {
  const texts: ManifestLine[] = [];
  for (const line of lines) {
    const text = lineTextOf(line);
    if (text !== undefined) texts.push({ lineNumber: line.lineNumber, text });
  }
  return texts;
}

/** Cuts bytes that arrive in pieces into lines, numbered from 1; empty lines are counted, not given. */
class LineCutter {
  #lineNumber = 0;
  /** The line so far, when it started in an earlier piece. */
  #head: Buffer[] = [];
  #headBytes = 0;

  /** The lines this piece completes. */
  cut(piece: Buffer): LineBytes[] {
    const lines: LineBytes[] = [];
    let start = 0;
    for (let end = piece.indexOf(LF); end >= 0; end = piece.indexOf(LF, start)) {
      const tail = piece.subarray(start, end);
      const bytes = this.#headBytes === 0 ? tail : Buffer.concat([...this.#head, tail], this.#headBytes + tail.length);
      this.#head = [];
      this.#headBytes = 0;
      const line = this.#line(bytes);
      if (line) lines.push(line);
      start = end + 1;
    }
    if (start < piece.length) {
      this.#head.push(piece.subarray(start));
      this.#headBytes += piece.length - start;
    }
    return lines;
  }

  /** The last line, when the blob does not end with a line break. */
  end(): LineBytes[] {
    if (this.#headBytes === 0) return [];
    const line = this.#line(Buffer.concat(this.#head, this.#headBytes));
    this.#head = [];
    this.#headBytes = 0;
    return line ? [line] : [];
  }

  #line(bytes: Buffer): LineBytes | undefined {
    const lineNumber = ++this.#lineNumber;
    let start = 0;
    let stop = bytes.length;
    // Trove: a UTF-8 byte-order mark (common in files saved on Windows) is not part of line 1.
    if (lineNumber === 1 && stop >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    // JSON Lines written on Windows end in \r\n; the \r is not part of the line.
    if (stop > start && bytes[stop - 1] === CR) stop -= 1;
    if (stop <= start) return undefined;
    // Most lines have neither: the piece's view is the line's (a view costs more than its bytes' scan).
    return { lineNumber, bytes: start === 0 && stop === bytes.length ? bytes : bytes.subarray(start, stop) };
  }
}

// AWS: blank lines still count toward the row limit but are not entries, so they are skipped
// here and the caller counts physical lines through lineNumber.
function isBlank(all: string, start: number, stop: number): boolean {
  if (start >= stop) return true;
  // Nearly every manifest line starts with `{`; skip the whitespace scan for those.
  if (all.charCodeAt(start) === OPEN_OBJECT) return false;
  for (let i = start; i < stop; i++) {
    const c = all.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== CR && c !== LF && !isOtherWhitespace(c)) return false;
  }
  return true;
}

/** The rest of what String.prototype.trim treats as whitespace (rare in manifests). */
function isOtherWhitespace(c: number): boolean {
  return (
    c === 0x0b ||
    c === 0x0c ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === BOM
  );
}
