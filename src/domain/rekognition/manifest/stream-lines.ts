// Splits a manifest read from object storage into its lines while it streams in, so a 1 GB,
// 250,000-line manifest never sits in memory: only the current line (bounded, see below) does.

import { BatchRejected } from '../revision-writer.js';

export interface ManifestStreamLimits {
  /** AWS: a manifest is at most 1 GB (ERROR_MANIFEST_SIZE_TOO_LARGE). */
  readonly maxBytes: number;
  /** AWS: at most 250,000 lines, blank and invalid ones included (ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM). */
  readonly maxLines: number;
  /** Longest line the validator accepts (100,000 characters). */
  readonly maxLineChars: number;
}

const LF = 0x0a;
const OPEN_BRACE = 0x7b;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** How much of the start of the file is checked for signs of a binary (non-JSON Lines) file. */
const SNIFF_BYTES = 8192;

export function manifestTooLarge(bytes: number, limits: ManifestStreamLimits): BatchRejected {
  return new BatchRejected('ERROR_MANIFEST_SIZE_TOO_LARGE',
    `The manifest file size exceeds the maximum supported size: it is ${bytes} bytes, the maximum is ${limits.maxBytes} bytes.`);
}

/**
 * Yields the non-blank lines of a JSON Lines byte stream (without `\n` / `\r\n`), counting every
 * physical line against the row limit and every byte against the size limit. Throws
 * BatchRejected with the AWS terminal error when a limit is passed or the file is binary.
 *
 * A line longer than the validator could ever accept is cut after 3 × (maxLineChars + 1) + 3
 * bytes: that prefix still decodes to more than maxLineChars characters (a UTF-8 character is
 * at most 3 bytes per UTF-16 unit), so the validator drops it as too long, and memory stays bounded.
 */
export async function* streamManifestLines(chunks: AsyncIterable<Uint8Array>, limits: ManifestStreamLimits): AsyncGenerator<string> {
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
  const finish = (): string | undefined => {
    lines += 1;
    if (lines > limits.maxLines) {
      throw new BatchRejected('ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM',
        `The manifest file has too many rows: more than the maximum of ${limits.maxLines} lines (blank and invalid lines count).`);
    }
    let text = (parts.length === 1 ? parts[0] : Buffer.concat(parts, pending)).toString('utf8');
    parts = [];
    pending = 0;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return isBlank(text) ? undefined : text;
  };

  for await (const chunk of withHead(chunks)) {
    bytes += chunk.byteLength;
    if (bytes > limits.maxBytes) throw manifestTooLarge(bytes, limits);
    let buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (first) {
      first = false;
      rejectBinary(buffer.subarray(0, SNIFF_BYTES));
      // Trove: a UTF-8 byte-order mark (files saved on Windows) is not part of line 1.
      if (buffer.subarray(0, 3).equals(UTF8_BOM)) buffer = buffer.subarray(3);
    }
    let start = 0;
    for (let end = buffer.indexOf(LF, start); end >= 0; end = buffer.indexOf(LF, start)) {
      take(buffer.subarray(start, end));
      const text = finish();
      if (text !== undefined) yield text;
      start = end + 1;
    }
    take(buffer.subarray(start));
  }
  if (pending > 0) {
    const text = finish();
    if (text !== undefined) yield text;
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

/**
 * AWS: ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT, "The manifest file extension or
 * contents are invalid." Trove: a file that starts like a compressed archive or holds NUL bytes is
 * not JSON Lines at all (the extension is not checked: `.manifest` is a convention, not a rule).
 */
function rejectBinary(head: Buffer): void {
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const zip = head.length >= 4 && head.readUInt32BE(0) === 0x504b0304;
  if (gzip || zip || head.includes(0)) {
    throw new BatchRejected('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT',
      `The manifest file extension or contents are invalid: the file is ${gzip ? 'gzip-compressed' : zip ? 'a ZIP archive' : 'binary'}, not JSON Lines text.`);
  }
}

function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) !== OPEN_BRACE && text.trim() === '');
}
