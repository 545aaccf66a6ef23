// Whether a PNG is whole, decided from at most two ranged reads of its tail, never the whole
// object. A PNG ends with its IEND chunk; a file cut short in transfer has none. But writers and
// tools append data after it (padding, metadata blocks, a second file in "polyglot" files, some
// phone exports), and that trailer says nothing about the image before it. So the decision looks
// for the whole IEND chunk (length 0, type "IEND", CRC AE 42 60 82: the CRC of the bare type,
// the same in every PNG) in the last 1 KB (the common case) and then in the last 64 KB, the
// windows the JPEG decision reads (jpeg-end.ts). Twelve fixed bytes do not occur by chance in
// compressed image data; a file cut inside its image data has no such chunk near its end. The
// search is one linear pass over at most 64 KB, however many fake markers a hostile file holds.
// Pure: the caller serves each read (ranged reads from a store, or a buffer it holds whole).

import { asBuffer, TAIL_BYTES, TRAILER_SCAN_BYTES } from './jpeg-end.js';
import type { ByteRange } from './jpeg-end.js';

/** The IEND chunk as every PNG writes it: length 0, type, CRC. */
const PNG_IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Signature and IHDR chunk: an IEND is looked for only past them. */
const PNG_HEADER_BYTES = 33;

/**
 * Whether the PNG of `size` bytes is whole: a generator that yields the byte ranges it needs
 * (at most two: the last 1 KB, then the last 64 KB) and gets their bytes back.
 */
export function* pngComplete(size: number): Generator<ByteRange, boolean, Uint8Array> {
  for (const window of [TAIL_BYTES, TRAILER_SCAN_BYTES]) {
    const from = Math.max(PNG_HEADER_BYTES, size - window);
    if (from >= size) return false;
    if (asBuffer(yield { offset: from, length: size - from }).includes(PNG_IEND_CHUNK)) return true;
    // That read went back to the header: the wider one would see the same bytes.
    if (from === PNG_HEADER_BYTES) return false;
  }
  return false;
}
