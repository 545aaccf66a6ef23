// Whether a JPEG's (primary) image is whole, decided from a few ranged reads, never the whole
// object. The entropy-coded data of a JPEG has no length, and its end marker (EOI, FF D9) is the
// only proof that a scan was not cut. Inside the scan data FF is always followed by 00 or a
// restart marker (D0..D7), so an FF D9 there is the real EOI. A file cut short has none near its
// end. But phones write valid JPEGs with data after EOI: Motion Photos (an MP4 after the image,
// located by the XMP in APP1), multi-picture files (MPF in APP2: a second JPEG, its size in the
// MP index) and padding. So the decision reads, in order, while the answer is open:
//   1. the last 1 KB: an EOI in it (the common case, and any padding under 1 KB);
//   2. where the head's metadata says the primary image ends (MPF's first entry size; Motion
//      Photo XMP's MicroVideoOffset or Container items): an EOI just before that point (and,
//      with MPF, no image of the index past the object's end);
//   3. the last 64 KB: an EOI followed by a known trailer (an ISO-BMFF `ftyp` box as MP4/MOV/HEIF
//      start with, another JPEG's SOI, Samsung's "MotionPhoto_Data") or only by padding bytes.
// Pure: the caller serves each read (ranged reads from a store, or a buffer it holds whole).
// Server-side (Node Buffers); the head walk that finds the metadata is jpeg-frame.ts.

import { MAX_END_HINTS, MPF_ID_BYTES, XMP_ID_BYTES } from './jpeg-frame.js';
import type { JpegHead } from './jpeg-frame.js';

/** A read the decision needs: `length` bytes from object offset `offset`. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** The end marker must be within the last bytes (some writers pad after it). */
export const TAIL_BYTES = 1024;
/** How far from the end a trailer's start is looked for when the metadata did not locate it. */
export const TRAILER_SCAN_BYTES = 64 * 1024;
const EOI = Buffer.from([0xff, 0xd9]);
const SAMSUNG_TRAILER = Buffer.from('MotionPhoto_Data', 'latin1');

/**
 * Whether the JPEG of `size` bytes is whole: a generator that yields the byte ranges it needs
 * and gets their bytes back (fewer bytes than asked only at the object's end). An EOI counts only
 * past the frame header and the tables after it (`head.dataFrom`): one before ends an EXIF
 * thumbnail, not the image, or is a number of the header (a height of 65497).
 */
export function* jpegComplete(size: number, head: JpegHead): Generator<ByteRange, boolean, Uint8Array> {
  const scanFrom = head.dataFrom;
  const read = function* (from: number, to: number): Generator<ByteRange, Buffer, Uint8Array> {
    const start = Math.max(scanFrom, from);
    return start >= to ? Buffer.alloc(0) : asBuffer(yield { offset: start, length: to - start });
  };
  if ((yield* read(size - TAIL_BYTES, size)).includes(EOI)) return true;
  for (const hint of head.hints.slice(0, MAX_END_HINTS)) {
    const data = yield { offset: hint.offset, length: hint.length };
    let ends: number[];
    if (hint.kind === 'mpf') {
      const layout = mpfLayout(data, hint.offset);
      // The index puts an image's end past the object's: the file was cut.
      if (layout && layout.extent > size) return false;
      ends = layout ? [layout.primaryEnd] : [];
    } else {
      ends = xmpPrimaryEnds(data, size);
    }
    for (const end of ends) {
      // Hostile metadata must not make a read of a fraction or of bytes past the object.
      if (!Number.isSafeInteger(end) || end <= scanFrom || end > size) continue;
      if ((yield* read(end - TAIL_BYTES, end)).includes(EOI)) return true;
    }
  }
  return endsBeforeTrailer(yield* read(size - TRAILER_SCAN_BYTES, size));
}

/** Runs `jpegComplete` over bytes held whole (an upload). */
export function jpegCompleteInBytes(bytes: Uint8Array, head: JpegHead): boolean {
  return decideOnBytes(bytes, jpegComplete(bytes.length, head));
}

/** Serves the reads of a completeness decision (jpegComplete, pngComplete) from bytes held whole. */
export function decideOnBytes(bytes: Uint8Array, steps: Generator<ByteRange, boolean, Uint8Array>): boolean {
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(bytes.subarray(step.value.offset, step.value.offset + step.value.length));
  }
}

/**
 * The layout the MPF index (CIPA DC-007) gives: "MPF\0", a TIFF header, an IFD whose MPEntry tag
 * (B002) points at 16-byte entries (attributes, size, offset from the TIFF header). The first
 * entry is the primary image, at the file's start: `primaryEnd` is its size. `extent` is where
 * the last image ends: a file shorter than that was cut, even if its primary image is whole.
 * `dataOffset`: the object offset of the segment's data ("MPF\0").
 */
export function mpfLayout(data: Uint8Array, dataOffset: number): { primaryEnd: number; extent: number } | undefined {
  const tiff = MPF_ID_BYTES;
  if (data.length < tiff + 8) return undefined;
  const little = data[tiff] === 0x49 && data[tiff + 1] === 0x49;
  if (!little && !(data[tiff] === 0x4d && data[tiff + 1] === 0x4d)) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number) => (at + 2 <= data.length ? view.getUint16(at, little) : undefined);
  const u32 = (at: number) => (at + 4 <= data.length ? view.getUint32(at, little) : undefined);
  if (u16(tiff + 2) !== 42) return undefined;
  const ifd = tiff + (u32(tiff + 4) ?? data.length);
  const count = u16(ifd) ?? 0;
  for (let i = 0; i < count; i++) {
    const tag = ifd + 2 + i * 12;
    if (u16(tag) !== 0xb002) continue;
    const entries = tiff + (u32(tag + 8) ?? data.length);
    const images = Math.floor((u32(tag + 4) ?? 0) / 16);
    const primaryEnd = u32(entries + 4);
    if (primaryEnd === undefined || primaryEnd <= 2 || u32(entries + 8) !== 0) return undefined;
    let extent = primaryEnd;
    for (let n = 1; n < images; n++) {
      const size = u32(entries + n * 16 + 4);
      const offset = u32(entries + n * 16 + 8);
      if (size === undefined || offset === undefined) break;
      extent = Math.max(extent, dataOffset + tiff + offset + size);
    }
    return { primaryEnd, extent };
  }
  return undefined;
}

/**
 * The end of the primary image by Motion Photo XMP (Google's format, also written by Samsung and
 * others): GCamera:MicroVideoOffset (the video is the last that many bytes), and the Container
 * directory (the items after the primary fill the end of the file, after the primary's padding).
 * Namespace prefixes vary between writers, so names are matched by their local part. Only plain
 * integers count (no sign, fraction or exponent). The segment (up to 64 KB) is hostile input:
 * every pattern starts at a literal or a word's start and cannot run past the next `<`, so the
 * time is linear in its length.
 */
export function xmpPrimaryEnds(data: Uint8Array, size: number): number[] {
  const text = asBuffer(data).toString('latin1', XMP_ID_BYTES);
  const ends: number[] = [];
  const micro = /MicroVideoOffset(?:\s*=\s*["']|>)\s*(\d{1,10})\s*["'<]/.exec(text);
  if (micro) ends.push(size - Number(micro[1]));
  const items = [...text.matchAll(/<(?:[\w-]{1,64}:)?Item\b([^<>]*)>/g)].map((m) => attributes(m[1]));
  if (items.length > 1) {
    const primary = Math.max(0, items.findIndex((item) => item.Semantic === 'Primary'));
    const numbers = [...items.slice(primary + 1).map((item) => item.Length), items[primary].Padding].map(integer);
    // A length or padding that is no plain integer: the directory locates nothing.
    if (numbers.every((n) => n !== undefined)) {
      const padding = numbers.pop()!;
      const after = numbers.reduce((sum, n) => sum + n, 0);
      if (after > 0) ends.push(size - after - padding);
    }
  }
  // A bogus number (the trailer as long as the file or longer) locates nothing.
  return [...new Set(ends)].filter((end) => Number.isSafeInteger(end) && end > 2 && end < size);
}

/** An attribute's number: absent is 0, anything but up to 10 digits is not a number. */
function integer(value: string | undefined): number | undefined {
  if (value === undefined) return 0;
  return /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  // The look-behind anchors each try at a word's start: without it a long word is rescanned from each of its letters.
  for (const m of text.matchAll(/(?<![\w-])(?:[\w-]{1,64}:)?(Semantic|Length|Padding)\s*=\s*(["'])([^"'<>]*)\2/g)) found[m[1]] = m[3];
  return found;
}

/**
 * Whether the bytes (the object's last ones) hold an EOI followed by a known trailer, or by
 * nothing but padding to the end. A file cut mid-scan has no EOI at all in its last bytes; an
 * FF D9 inside a trailer's own bytes is not taken unless a trailer signature follows it.
 */
export function endsBeforeTrailer(tail: Buffer): boolean {
  for (let at = tail.indexOf(EOI); at >= 0; at = tail.indexOf(EOI, at + 1)) {
    const next = at + 2;
    if (tail.toString('latin1', next + 4, next + 8) === 'ftyp') return true;
    if (tail[next] === 0xff && tail[next + 1] === 0xd8 && tail[next + 2] === 0xff) return true;
    if (tail.subarray(next, next + SAMSUNG_TRAILER.length).equals(SAMSUNG_TRAILER)) return true;
    if (onlyPadding(tail, next)) return true;
  }
  return false;
}

/** Zero or FF bytes from `from` to the end (what writers pad with). */
function onlyPadding(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0x00 && bytes[i] !== 0xff) return false;
  return true;
}

/** The same bytes as a Buffer, not copied. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
