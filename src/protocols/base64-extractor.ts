import { randomBytes } from 'node:crypto';
import { QUOTE, BACKSLASH } from '../lib/json-codes.js';

/** A long base64 string literal taken out of a JSON body: its placeholder in the text, and its bytes. */
export type ExtractedBlobs = ReadonlyMap<string, Buffer>;

const BASE64 = /^[A-Za-z0-9+/]*$/;
const PADDING = /={1,2}$/;
const BASE64_END = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Decoded a piece at a time, so no string longer than this is ever made of a blob's text. */
const PIECE = 64 * 1024;

/**
 * Reads a JSON body as it streams in and takes every string literal of at least `threshold`
 * characters that is canonical base64 (a blob member of awsJson: a 5 MB GroundTruth is 7 MB of
 * text) out of it, decoding it piece by piece into bytes. The text that is left (small) holds a
 * placeholder string in its place; `resolve` gives the bytes back for a placeholder. So a 7 MB
 * body is held as 5 MB of bytes, never as 7 MB of text — nor as the pieces a streamed decode
 * builds a string from, nor as the copy JSON.parse flattens them into.
 *
 * Nothing changes meaning: only strings made of the base64 alphabet with canonical padding are
 * taken out (re-encoding their bytes gives back exactly their text), and a placeholder is plain
 * string content, so the text parses as JSON exactly when the body does, to the same values once
 * placeholders are resolved. Any other string (escapes, other characters, a bad end) is kept as it
 * came, even when that is found far into it.
 */
export class Base64Extractor {
  readonly #threshold: number;
  readonly #nonce = randomBytes(12).toString('hex');
  readonly #blobs = new Map<string, Buffer>();
  /** The JSON text outside extracted strings, as raw bytes (decoded as UTF-8 at the end). */
  readonly #kept: Buffer[] = [];
  /** How large the body is expected to be (content-length), for the first blob's buffer. */
  #remaining: number;

  #state: 'outside' | 'string' | 'blob' = 'outside';
  /** In a string: its bytes so far, while it may still become a blob. */
  #pending: Buffer[] = [];
  #pendingLength = 0;
  /** In a string: an escape or a non-base64 character was seen, so it stays text. */
  #plain = false;
  /** In a string: the last byte of the previous chunk was a backslash. */
  #escaping = false;
  /** In a blob: decoded bytes so far, and up to three characters not decoded yet. */
  #bytes = Buffer.alloc(0);
  #decoded = 0;
  #carry = '';

  constructor(threshold: number, expectedLength: number) {
    this.#threshold = threshold;
    this.#remaining = expectedLength;
  }

  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#state === 'outside') {
        const quote = chunk.indexOf(QUOTE, pos);
        if (quote < 0) {
          this.#kept.push(chunk.subarray(pos));
          break;
        }
        this.#kept.push(chunk.subarray(pos, quote + 1));
        pos = quote + 1;
        this.#state = 'string';
        this.#plain = false;
        this.#escaping = false;
      } else if (this.#state === 'string') {
        pos = this.#inString(chunk, pos);
      } else {
        pos = this.#inBlob(chunk, pos);
      }
    }
    this.#remaining -= chunk.length;
  }

  /** The text with placeholders, and the extracted bytes by placeholder. */
  end(): { text: string; blobs: ExtractedBlobs } {
    // An unterminated string or blob: keep what was read as text (JSON.parse then refuses it).
    if (this.#state === 'blob') this.#abandonBlob();
    if (this.#state === 'string') this.#kept.push(...this.#pending);
    const text = Buffer.concat(this.#kept).toString('utf8');
    return { text, blobs: this.#blobs };
  }

  /** Scans a string's content from `pos`; returns where scanning continues. */
  #inString(chunk: Buffer, pos: number): number {
    let i = pos;
    if (this.#escaping) {
      // The escaped character is whatever comes first in this chunk.
      this.#escaping = false;
      i++;
    }
    let end = -1;
    for (;;) {
      const quote = chunk.indexOf(QUOTE, i);
      const backslash = chunk.indexOf(BACKSLASH, i);
      if (backslash >= 0 && (quote < 0 || backslash < quote)) {
        this.#plain = true;
        if (backslash + 1 >= chunk.length) {
          this.#escaping = true;
          break;
        }
        i = backslash + 2;
        continue;
      }
      end = quote;
      break;
    }
    const stop = end < 0 ? chunk.length : end;
    const piece = chunk.subarray(pos, stop);
    if (this.#plain) {
      // Certainly text: stream it out instead of holding it.
      this.#kept.push(...this.#pending, piece);
      this.#pending = [];
      this.#pendingLength = 0;
    } else {
      this.#pending.push(piece);
      this.#pendingLength += piece.length;
    }
    if (!this.#plain && this.#pendingLength >= this.#threshold) {
      this.#startBlob();
      if (this.#state === 'blob') return end < 0 ? chunk.length : this.#inBlob(chunk, end);
    }
    if (end >= 0) {
      // The string ends here, shorter than the threshold (or text): keep it, closing quote included.
      this.#kept.push(...this.#pending, chunk.subarray(end, end + 1));
      this.#pending = [];
      this.#pendingLength = 0;
      this.#state = 'outside';
      return end + 1;
    }
    return chunk.length;
  }

  /** A string reached the threshold: decode it from now on, if it is base64 so far. */
  #startBlob(): void {
    let text = Buffer.concat(this.#pending).toString('latin1');
    const padding = PADDING.exec(text)?.[0] ?? '';
    if (padding) text = text.slice(0, -padding.length);
    if (!BASE64.test(text)) {
      this.#plain = true;
      this.#kept.push(...this.#pending);
      this.#pending = [];
      this.#pendingLength = 0;
      return;
    }
    this.#pending = [];
    this.#pendingLength = 0;
    this.#state = 'blob';
    // Room for the rest of the body as base64, the one blob a request normally carries.
    this.#bytes = Buffer.allocUnsafe(Math.ceil((text.length + Math.max(0, this.#remaining)) * 3 / 4) + 3);
    this.#decoded = 0;
    this.#carry = '';
    this.#decode(text);
    this.#carry += padding;
  }

  /** Decodes a blob's content from `pos`; returns where scanning continues. */
  #inBlob(chunk: Buffer, pos: number): number {
    // Padding ended the last chunk: only the closing quote may follow it.
    if (this.#carry.endsWith('=') && chunk[pos] !== QUOTE) {
      this.#abandonBlob();
      return pos;
    }
    const quote = chunk.indexOf(QUOTE, pos);
    const stop = quote < 0 ? chunk.length : quote;
    for (let at = pos; at < stop; at += PIECE) {
      let text = chunk.toString('latin1', at, Math.min(stop, at + PIECE));
      // The last piece before the closing quote (or the end of the chunk) may end in padding,
      // which only #finishBlob accepts.
      const padding = at + PIECE >= stop ? PADDING.exec(text)?.[0] ?? '' : '';
      if (padding) text = text.slice(0, -padding.length);
      if (this.#decode(text)) {
        this.#carry += padding;
      } else {
        // Not base64 after all: the string is kept as text (what was decoded re-encoded), and
        // read again as a string from this piece on, escapes included.
        this.#abandonBlob();
        return at;
      }
    }
    if (quote < 0) return chunk.length;
    if (!this.#finishBlob()) {
      this.#abandonBlob();
      return quote;
    }
    return quote + 1;
  }

  /** Decodes whole quartets of `carry + text`; false (nothing changed) when `text` is not plain base64. */
  #decode(text: string): boolean {
    const all = this.#carry + text;
    const whole = all.length - (all.length % 4);
    this.#ensureRoom((whole / 4) * 3);
    // Checked by decoding (a regular expression over the text cost 5x the decoding): Node's
    // decoder skips every character outside the base64 and base64url alphabets, so a stray one
    // leaves fewer bytes than the quartets make; '-' and '_' (base64url) it decodes, so they are
    // looked for. The characters left for the next quartet are checked with the pattern. Bytes
    // written past `#decoded` by a failed attempt are simply overwritten later.
    const written = this.#bytes.write(all.slice(0, whole), this.#decoded, 'base64');
    if (written !== (whole / 4) * 3 || text.includes('-') || text.includes('_') || !BASE64.test(all.slice(whole))) return false;
    this.#decoded += written;
    this.#carry = all.slice(whole);
    return true;
  }

  /** The blob's closing quote: decodes the last quartet (padding allowed); false if the end is not canonical. */
  #finishBlob(): boolean {
    const last = this.#carry;
    if (last.length % 4 !== 0 || !BASE64_END.test(last)) return false;
    const bytes = Buffer.from(last, 'base64');
    // Canonical: unused bits of a padded quartet are zero, so the bytes re-encode to the same text.
    if (bytes.toString('base64') !== last) return false;
    this.#ensureRoom(bytes.length);
    this.#decoded += bytes.copy(this.#bytes, this.#decoded);
    const placeholder = `trove-blob-${this.#nonce}-${this.#blobs.size}`;
    this.#blobs.set(placeholder, this.#bytes.subarray(0, this.#decoded));
    this.#kept.push(Buffer.from(`${placeholder}"`, 'latin1'));
    this.#bytes = Buffer.alloc(0);
    this.#carry = '';
    this.#state = 'outside';
    return true;
  }

  /** Turns the blob in progress back into a plain string: its text so far is kept as it came. */
  #abandonBlob(): void {
    // Only whole quartets of the alphabet were decoded, so re-encoding gives back exactly their text.
    this.#kept.push(Buffer.from(this.#bytes.toString('base64', 0, this.#decoded) + this.#carry, 'latin1'));
    this.#bytes = Buffer.alloc(0);
    this.#carry = '';
    this.#state = 'string';
    this.#plain = true;
    this.#escaping = false;
  }

  #ensureRoom(more: number): void {
    if (this.#decoded + more <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#decoded + more));
    this.#bytes.copy(grown, 0, 0, this.#decoded);
    this.#bytes = grown;
  }
}
