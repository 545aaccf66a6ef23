// Reads an image's format and pixel size from its first bytes, without decoding it: the PNG
// IHDR chunk, or the JPEG frame header (SOFn) found by walking the marker segments. Pure: the
// caller fetches bytes (ranged reads) and calls again where the parser says it must go on.

import { crc32 } from 'node:zlib';

export type ImageFormat = 'PNG' | 'JPEG';

export type HeaderResult =
  | { kind: 'image'; format: ImageFormat; width: number; height: number }
  /** The frame header lies further on: read from `offset` and call `jpegFrame` again from there. */
  | { kind: 'need'; offset: number }
  | { kind: 'invalid'; detail: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature, IHDR length and type, 13 data bytes, CRC. */
const PNG_HEADER_BYTES = 33;
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/** What the first bytes say the object is: PNG, JPEG, or (for the message) what else. */
export function sniffFormat(head: Buffer): ImageFormat | { other: string } {
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) return 'PNG';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'JPEG';
  const ascii = head.subarray(0, 16).toString('latin1');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return { other: 'a GIF image' };
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return { other: 'a WebP image' };
  if (ascii.startsWith('BM')) return { other: 'a BMP image' };
  if (ascii.startsWith('II*\0') || ascii.startsWith('MM\0*')) return { other: 'a TIFF image' };
  if (ascii.slice(4, 8) === 'ftyp') return { other: 'an HEIF/AVIF image' };
  if (ascii.startsWith('%PDF')) return { other: 'a PDF document' };
  if (head.length === 0) return { other: 'empty' };
  return { other: 'not a PNG or JPEG image' };
}

/** PNG: the first chunk must be a well-formed IHDR (length 13, correct CRC). */
export function pngHeader(head: Buffer): HeaderResult {
  if (head.length < PNG_HEADER_BYTES) return { kind: 'invalid', detail: 'The PNG file is truncated inside its header.' };
  if (head.readUInt32BE(8) !== 13 || head.toString('latin1', 12, 16) !== 'IHDR') {
    return { kind: 'invalid', detail: 'The PNG file does not start with an IHDR chunk.' };
  }
  if (crc32(head.subarray(12, 29)) !== head.readUInt32BE(29)) return { kind: 'invalid', detail: 'The PNG header is corrupt (IHDR checksum mismatch).' };
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  if (width === 0 || height === 0) return { kind: 'invalid', detail: 'The PNG header gives a zero width or height.' };
  return { kind: 'image', format: 'PNG', width, height };
}

/**
 * JPEG: walks marker segments from `position` (2, just after SOI, on the first call) through
 * the bytes at hand (`window`, which starts at object offset `windowOffset`) until a frame
 * header SOF0..SOF15 (not DHT, JPG, DAC). Asks for more bytes when a segment runs past them.
 */
export function jpegFrame(window: Buffer, windowOffset: number, position: number, size: number): HeaderResult {
  const truncated: HeaderResult = { kind: 'invalid', detail: 'The JPEG file ends before its frame header (truncated or corrupt).' };
  let at = position;
  for (;;) {
    const local = at - windowOffset;
    // `at` plus `n` bytes must exist in the object (else truncated) and be at hand (else ask for them).
    const missing = (n: number): HeaderResult | undefined =>
      at + n > size ? truncated : local < 0 || local + n > window.length ? { kind: 'need', offset: at } : undefined;
    const marker2 = missing(2);
    if (marker2) return marker2;
    if (window[local] !== 0xff) return { kind: 'invalid', detail: `The JPEG file is corrupt (no marker at byte ${at}).` };
    const marker = window[local + 1];
    // Fill bytes: a marker may be preceded by any number of 0xFF.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    // Standalone markers carry no length: TEM and RST0..7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // SOI, EOI, SOS or a stuffed zero before any frame header: there is no frame to size.
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda || marker === 0x00) {
      return { kind: 'invalid', detail: 'The JPEG file is corrupt (no frame header before the image data).' };
    }
    const length4 = missing(4);
    if (length4) return length4;
    const length = window.readUInt16BE(local + 2);
    if (length < 2) return { kind: 'invalid', detail: `The JPEG file is corrupt (segment length ${length} at byte ${at}).` };
    if (isFrameMarker(marker)) {
      const frame9 = missing(9);
      if (frame9) return frame9;
      const height = window.readUInt16BE(local + 5);
      const width = window.readUInt16BE(local + 7);
      if (width === 0 || height === 0) return { kind: 'invalid', detail: 'The JPEG frame header gives a zero width or height.' };
      return { kind: 'image', format: 'JPEG', width, height };
    }
    at += 2 + length;
  }
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Whether the last bytes of the object hold the format's end marker: PNG's IEND chunk, JPEG's
 * EOI. A file cut short in transfer has neither. Trove looks for the marker anywhere in the
 * tail (not only the very last bytes) because some writers pad files after it.
 */
export function hasEndMarker(format: ImageFormat, tail: Buffer): boolean {
  return tail.includes(format === 'PNG' ? PNG_IEND : JPEG_EOI);
}

/** The header of an image held whole in memory (an upload): its format and size, or why it is none. */
export function headerOfBytes(bytes: Buffer): HeaderResult | { kind: 'other'; what: string } {
  const format = sniffFormat(bytes);
  if (typeof format !== 'string') return { kind: 'other', what: format.other };
  const header = format === 'PNG' ? pngHeader(bytes) : jpegFrame(bytes, 0, 2, bytes.length);
  // Every byte is at hand, so the walk never asks for more; a header past the end is a truncated file.
  if (header.kind === 'need') return { kind: 'invalid', detail: 'The JPEG file ends before its frame header (truncated or corrupt).' };
  if (header.kind === 'image' && !hasEndMarker(header.format, bytes.subarray(Math.max(0, bytes.length - 1024)))) {
    return { kind: 'invalid', detail: `The ${header.format} file is truncated (its end marker is missing).` };
  }
  return header;
}
