// The JPEG frame header (SOFn), found by walking the marker segments: the image's stored pixel
// size. Pure and on plain bytes (Uint8Array, so a Node Buffer too): the server's image checks
// read it through ranged reads, the console from an image's bytes (its first box needs the size).

export type ImageFormat = 'PNG' | 'JPEG';

/** An APP segment that may say where the primary image ends (jpeg-end.ts): its data's object offset and length. */
export interface JpegEndHint {
  readonly kind: 'mpf' | 'xmp';
  readonly offset: number;
  readonly length: number;
}

/** What the head walk saw on its way to the frame header, for the truncation check (jpeg-end.ts). */
export interface JpegHead {
  /** APP segments that may locate the primary image's end, at most MAX_END_HINTS. */
  readonly hints: JpegEndHint[];
  /**
   * Object offset where the image data may start: past the frame header (SOFn) and, as far as
   * the bytes at hand go, the tables and scan header after it. Their bytes (a height of 65497 is
   * FF D9) must not pass for the end marker of a file cut short.
   */
  dataFrom: number;
}

/** Hint segments kept from the head walk (a file with more is odd; the rest are not read). */
export const MAX_END_HINTS = 4;
// Plain bytes, not Buffers: the console runs this file in a browser.
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const XMP_ID = ascii('http://ns.adobe.com/xap/1.0/\0');
const MPF_ID = ascii('MPF\0');
export const XMP_ID_BYTES = XMP_ID.length;
export const MPF_ID_BYTES = MPF_ID.length;

export type HeaderResult =
  | { kind: 'image'; format: ImageFormat; width: number; height: number }
  /** The frame header lies further on: read from `offset` and call `jpegFrame` again from there. */
  | { kind: 'need'; offset: number }
  | { kind: 'invalid'; detail: string };

/**
 * JPEG: walks marker segments from `position` (2, just after SOI, on the first call) through
 * the bytes at hand (`window`, which starts at object offset `windowOffset`) until a frame
 * header SOF0..SOF15 (not DHT, JPG, DAC). Asks for more bytes when a segment runs past them.
 * With `head`, also notes the segments that may locate the image's end (jpeg-end.ts) and where
 * the frame header is, for the truncation check; the same `head` goes to every call of a walk.
 */
export function jpegFrame(window: Uint8Array, windowOffset: number, position: number, size: number, head?: JpegHead): HeaderResult {
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
    const length = u16(window, local + 2);
    if (length < 2) return { kind: 'invalid', detail: `The JPEG file is corrupt (segment length ${length} at byte ${at}).` };
    if (isFrameMarker(marker)) {
      const frame9 = missing(9);
      if (frame9) return frame9;
      const height = u16(window, local + 5);
      const width = u16(window, local + 7);
      if (width === 0 || height === 0) return { kind: 'invalid', detail: 'The JPEG frame header gives a zero width or height.' };
      if (head) head.dataFrom = scanDataStart(window, windowOffset, at + 2 + length);
      return { kind: 'image', format: 'JPEG', width, height };
    }
    if (head && (marker === 0xe1 || marker === 0xe2) && head.hints.length < MAX_END_HINTS) {
      // The segment's identifier must be at hand to know whether it is XMP or MPF.
      const idBytes = Math.min(length - 2, XMP_ID_BYTES);
      const id = missing(4 + idBytes);
      if (id) return id;
      const kind = endHintKind(marker, window.subarray(local + 4, local + 4 + idBytes));
      if (kind) head.hints.push({ kind, offset: at + 4, length: length - 2 });
    }
    at += 2 + length;
  }
}

/**
 * Where the entropy-coded data start: walks the segments after the frame header (DQT, DHT, DRI,
 * SOS...) from object offset `from`, through the bytes at hand only (no read for this), to the
 * end of the scan header. Stops at the last segment boundary reached when the bytes run out or
 * something is not a segment (the image data are past that point in any case).
 */
function scanDataStart(window: Uint8Array, windowOffset: number, from: number): number {
  let at = from;
  for (;;) {
    const local = at - windowOffset;
    if (local < 0 || local + 4 > window.length || window[local] !== 0xff) return at;
    const marker = window[local + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = u16(window, local + 2);
    if (marker < 0xc0 || (marker >= 0xd0 && marker <= 0xd9) || length < 2 || local + 2 + length > window.length) return at;
    at += 2 + length;
    if (marker === 0xda) return at;
  }
}

/** The kind of an APP1/APP2 segment from its first data bytes, when it is one that may locate the end. */
function endHintKind(marker: number, data: Uint8Array): JpegEndHint['kind'] | undefined {
  if (marker === 0xe1 && startsWith(data, XMP_ID)) return 'xmp';
  if (marker === 0xe2 && startsWith(data, MPF_ID)) return 'mpf';
  return undefined;
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) | bytes[at + 1];
}
