// Reads an image's format and pixel size from its first bytes, without decoding it: the PNG
// IHDR chunk, or the JPEG frame header (SOFn) found by walking the marker segments. Pure: the
// caller fetches bytes (ranged reads) and calls again where the parser says it must go on.

import { crc32 } from 'node:zlib';

import { decideOnBytes, jpegCompleteInBytes } from './jpeg-end.js';
import type { JpegHead } from './jpeg-frame.js';
import { jpegFrame } from './jpeg-frame.js';
import { pngComplete } from './png-end.js';
import type { HeaderResult, ImageFormat } from './jpeg-frame.js';

export { jpegFrame } from './jpeg-frame.js';
export type { HeaderResult, ImageFormat } from './jpeg-frame.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature, IHDR length and type, 13 data bytes, CRC. */
const PNG_HEADER_BYTES = 33;

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

/** The header of an image held whole in memory (an upload): its format and size, or why it is none. */
export function headerOfBytes(bytes: Buffer): HeaderResult | { kind: 'other'; what: string } {
  const format = sniffFormat(bytes);
  if (typeof format !== 'string') return { kind: 'other', what: format.other };
  const head: JpegHead = { hints: [], dataFrom: 0 };
  const header = format === 'PNG' ? pngHeader(bytes) : jpegFrame(bytes, 0, 2, bytes.length, head);
  // Every byte is at hand, so the walk never asks for more; a header past the end is a truncated file.
  if (header.kind === 'need') return { kind: 'invalid', detail: 'The JPEG file ends before its frame header (truncated or corrupt).' };
  if (header.kind === 'image' && !(header.format === 'PNG' ? decideOnBytes(bytes, pngComplete(bytes.length)) : jpegCompleteInBytes(bytes, head))) {
    return { kind: 'invalid', detail: `The ${header.format} file is truncated (its end marker is missing).` };
  }
  return header;
}
