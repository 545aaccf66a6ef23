// The stored pixel size of a PNG or JPEG from its bytes (PNG IHDR, JPEG frame header), for a
// first bounding box on an image whose line has no image_size yet. The browser's own
// naturalWidth is no use: Chromium reports it turned by the EXIF orientation, while Rekognition
// measures boxes on the stored pixels. Pure: no DOM.

import type { Size } from './entry-edit.js';

export function pixelSize(bytes: Uint8Array): Size | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 24 && png.every((b, i) => bytes[i] === b)) return nonZero(view.getUint32(16), view.getUint32(20));
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    const length = view.getUint16(at + 2);
    // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC): height, then width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 9 <= bytes.length ? nonZero(view.getUint16(at + 7), view.getUint16(at + 5)) : undefined;
    }
    at += 2 + length;
  }
  return undefined;
}

function nonZero(width: number, height: number): Size | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}
