import { deflateSync } from 'node:zlib';
import { pngChunk } from './images.js';

// Small colourful PNGs built in code, for the console's screenshots and browser tests: a sky and
// meadow background with filled shapes where the boxes are, so a reader can see that each box
// sits on its object. (harness/images.ts makes black images for the image checks.)

export interface Shape {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Hue in degrees. */
  readonly hue: number;
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** A `width` × `height` RGB PNG: sky above, meadow below, an ellipse filling each shape. */
export function picture(width: number, height: number, shapes: readonly Shape[], seed = 0): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 3));
  const horizon = Math.round(height * (0.45 + ((seed * 37) % 20) / 100));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) {
      let [r, g, b] = y < horizon ? hsl(205, 0.7, 0.82 - (0.25 * y) / horizon) : hsl(100 + ((seed * 13) % 30), 0.45, 0.42 - (0.12 * (y - horizon)) / (height - horizon));
      for (const shape of shapes) {
        const cx = shape.left + shape.width / 2;
        const cy = shape.top + shape.height / 2;
        const dx = (x - cx) / (shape.width / 2);
        const dy = (y - cy) / (shape.height / 2);
        if (dx * dx + dy * dy <= 1) [r, g, b] = hsl(shape.hue, 0.75, 0.55 + 0.15 * (1 - dx * dx - dy * dy));
      }
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
