// Splits a JSON Lines byte stream (a manifest or an examples file read from object storage) into
// its lines while it streams in, so a file of any size never sits in memory: only the current
// line, itself bounded, does.

import { OPEN_OBJECT } from './json-codes.js';

export interface LineStreamLimits {
  /** Bytes the whole stream may have. */
  readonly maxBytes: number;
  /** Physical lines the stream may have, blank ones included (a final newline starts none). */
  readonly maxLines: number;
  /** Longest line (in UTF-16 units, JavaScript's string length) the caller can ever accept. */
  readonly maxLineChars: number;
}

export interface StreamedLine {
  /** 1-based number of the physical line, blank lines included. */
  readonly lineNumber: number;
  /** The line without its terminator (`\n` or `\r\n`); possibly cut short, see streamLines. */
  readonly text: string;
}

/** Why a stream could not be read as lines: too big, too many lines, or not text at all. */
export class LineStreamError extends Error {
  constructor(
    readonly kind: 'too-many-bytes' | 'too-many-lines' | 'binary',
    /** Bytes read so far (too-many-bytes), the line limit (too-many-lines), or what the file looks like (binary). */
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
  }
}

const LF = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** How much of the start of the file is checked for signs of a binary (non-text) file. */
const SNIFF_BYTES = 8192;

/**
 * Yields the non-blank lines of a UTF-8 byte stream, counting every physical line against
 * `maxLines` and every byte against `maxBytes`. Throws LineStreamError when a limit is passed or
 * the stream starts like a compressed or binary file. A UTF-8 byte-order mark before line 1 is
 * dropped (files saved on Windows).
 *
 * A line longer than the caller could ever accept is cut after 3 × (maxLineChars + 1) + 3 bytes:
 * that prefix still decodes to more than maxLineChars characters (UTF-8 needs at most 3 bytes per
 * UTF-16 unit), so the caller rejects it as too long, and memory stays bounded.
 */
export async function* streamLines(chunks: AsyncIterable<Uint8Array>, limits: LineStreamLimits): AsyncGenerator<StreamedLine> {
  const lineCap = 3 * (limits.maxLineChars + 1) + 3;
  let bytes = 0;
  let lines = 0;
  let first = true;
  let parts: Buffer[] = [];
  let pending = 0;

  const take = (part: Buffer): void => {
    if (pending >= lineCap || part.length === 0) return;
    const kept = part.length > lineCap - pending ? part.subarray(0, lineCap - pending) : part;
    parts.push(kept);
    pending += kept.length;
  };
  const finish = (): StreamedLine | undefined => {
    lines += 1;
    if (lines > limits.maxLines) throw new LineStreamError('too-many-lines', String(limits.maxLines));
    let text = (parts.length === 1 ? parts[0] : Buffer.concat(parts, pending)).toString('utf8');
    parts = [];
    pending = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return isBlank(text) ? undefined : { lineNumber: lines, text };
  };

  for await (const chunk of withHead(chunks)) {
    bytes += chunk.byteLength;
    if (bytes > limits.maxBytes) throw new LineStreamError('too-many-bytes', String(bytes));
    let buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (first) {
      first = false;
      rejectBinary(buffer.subarray(0, SNIFF_BYTES));
      if (buffer.subarray(0, 3).equals(UTF8_BOM)) buffer = buffer.subarray(3);
    }
    let start = 0;
    for (let end = buffer.indexOf(LF, start); end >= 0; end = buffer.indexOf(LF, start)) {
      take(buffer.subarray(start, end));
      const line = finish();
      if (line !== undefined) yield line;
      start = end + 1;
    }
    take(buffer.subarray(start));
  }
  if (pending > 0) {
    const line = finish();
    if (line !== undefined) yield line;
  }
}

/** The same bytes, the first chunk holding at least SNIFF_BYTES of them (or all, if fewer). */
async function* withHead(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const head: Uint8Array[] = [];
  let size = 0;
  let started = false;
  for await (const chunk of chunks) {
    if (started) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    size += chunk.byteLength;
    if (size >= SNIFF_BYTES) {
      started = true;
      yield Buffer.concat(head, size);
    }
  }
  if (!started && size > 0) yield Buffer.concat(head, size);
}

/** A file that starts like a gzip or ZIP archive, or holds NUL bytes, is not text lines at all. */
function rejectBinary(head: Buffer): void {
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const zip = head.length >= 4 && head.readUInt32BE(0) === 0x504b0304;
  if (gzip) throw new LineStreamError('binary', 'gzip-compressed');
  if (zip) throw new LineStreamError('binary', 'a ZIP archive');
  if (head.includes(0)) throw new LineStreamError('binary', 'binary');
}

function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) !== OPEN_OBJECT && text.trim() === '');
}
