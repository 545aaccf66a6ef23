// Splits a JSON Lines manifest (an UpdateDatasetEntries `GroundTruth` blob or an S3 manifest)
// into its non-blank lines. A Buffer is decoded a line at a time: each line is its own short
// string, so a 5 MB blob is never also held as one 5 MB string (which every line would keep
// alive for the whole job, and which the heap only gives back at its next full collection).

export interface ManifestLine {
  /** 1-based number of the physical line in the blob, blank lines included. */
  lineNumber: number;
  /** The line without its terminator (`\n` or `\r\n`). */
  text: string;
}

const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const BOM = 0xfeff;

export function* splitLines(blob: Buffer | string): Generator<ManifestLine> {
  if (typeof blob !== 'string') return yield* splitBytes(blob);
  const all = blob;
  // Trove: a UTF-8 byte-order mark (common in files saved on Windows) is not part of line 1.
  let start = all.length > 0 && all.charCodeAt(0) === BOM ? 1 : 0;
  let lineNumber = 0;
  while (start <= all.length) {
    let end = all.indexOf('\n', start);
    if (end < 0) end = all.length;
    lineNumber += 1;
    // JSON Lines written on Windows end in \r\n; the \r is not part of the line.
    const stop = end > start && all.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (!isBlank(all, start, stop)) {
      yield { lineNumber, text: all.slice(start, stop) };
    }
    if (end === all.length) break;
    start = end + 1;
  }
}

/**
 * The same on bytes. Decoding line by line gives the same text as decoding the whole blob:
 * `\n` and `\r` are single bytes that never occur inside a UTF-8 sequence, and an incomplete
 * sequence before them decodes to U+FFFD either way.
 */
function* splitBytes(blob: Buffer): Generator<ManifestLine> {
  let start = blob.length >= 3 && blob[0] === 0xef && blob[1] === 0xbb && blob[2] === 0xbf ? 3 : 0;
  let lineNumber = 0;
  while (start <= blob.length) {
    let end = blob.indexOf(LF, start);
    if (end < 0) end = blob.length;
    lineNumber += 1;
    const stop = end > start && blob[end - 1] === CR ? end - 1 : end;
    if (stop > start) {
      const text = blob.toString('utf8', start, stop);
      if (!isBlank(text, 0, text.length)) yield { lineNumber, text };
    }
    if (end === blob.length) break;
    start = end + 1;
  }
}

// AWS: blank lines still count toward the row limit but are not entries, so they are skipped
// here and the caller counts physical lines through lineNumber.
function isBlank(all: string, start: number, stop: number): boolean {
  if (start >= stop) return true;
  // Nearly every manifest line starts with `{`; skip the whitespace scan for those.
  if (all.charCodeAt(start) === OPEN_BRACE) return false;
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
