// The stored pixel size of a PNG or JPEG from its bytes (PNG IHDR, JPEG frame header), for a
// first bounding box on an image whose line has no image_size yet. The browser's own
// naturalWidth is no use: Chromium reports it turned by the EXIF orientation, while Rekognition
// measures boxes on the stored pixels. The JPEG walk is the server's own (jpeg-frame.ts). Pure: no DOM.

import { jpegFrame } from '../../../../src/domain/rekognition/images/jpeg-frame.js';
import type { Size } from './entry-edit.js';

export function pixelSize(bytes: Uint8Array): Size | undefined {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 24 && png.every((b, i) => bytes[i] === b)) {
    // IHDR: width and height, 4 bytes each, big-endian, at 16 and 20.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return nonZero(view.getUint32(16), view.getUint32(20));
  }
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return undefined;
  // Every byte is at hand: the walk never asks for more.
  const header = jpegFrame(bytes, 0, 2, bytes.length);
  return header.kind === 'image' ? { width: header.width, height: header.height } : undefined;
}

function nonZero(width: number, height: number): Size | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}
