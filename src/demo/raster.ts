import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';

// Pictures drawn in code: an RGB canvas with the few shapes the demo and the tests need, written
// as PNG (here) or JPEG (jpeg-js, pure JavaScript). Real files any browser shows and Trove's image
// checks read, without binary fixtures in the repository.

export type Rgb = readonly [number, number, number];

export class Raster {
  readonly rgb: Buffer;

  constructor(readonly width: number, readonly height: number) {
    this.rgb = Buffer.alloc(width * height * 3);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const at = (y * this.width + x) * 3;
    this.rgb[at] = r;
    this.rgb[at + 1] = g;
    this.rgb[at + 2] = b;
  }

  /** One colour from x0 (inclusive) to x1 (exclusive) on row y: backgrounds, without a call per pixel. */
  fillRow(y: number, x0: number, x1: number, [r, g, b]: Rgb): void {
    for (let at = (y * this.width + Math.max(0, x0)) * 3, end = (y * this.width + Math.min(this.width, x1)) * 3; at < end; at += 3) {
      this.rgb[at] = r;
      this.rgb[at + 1] = g;
      this.rgb[at + 2] = b;
    }
  }

  /** Paints every pixel whose colour `paint` gives (undefined leaves it). */
  paint(paint: (x: number, y: number) => Rgb | undefined, area = { left: 0, top: 0, width: this.width, height: this.height }): void {
    const x0 = Math.max(0, Math.floor(area.left));
    const y0 = Math.max(0, Math.floor(area.top));
    const x1 = Math.min(this.width, Math.ceil(area.left + area.width));
    const y1 = Math.min(this.height, Math.ceil(area.top + area.height));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const colour = paint(x, y);
        if (colour) this.set(x, y, colour);
      }
    }
  }

  png(): Buffer {
    const raw = Buffer.alloc(this.height * (1 + this.width * 3));
    for (let y = 0; y < this.height; y++) this.rgb.copy(raw, y * (1 + this.width * 3) + 1, y * this.width * 3, (y + 1) * this.width * 3);
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type RGB
    return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
  }

  jpeg(quality = 85): Buffer {
    const rgba = Buffer.alloc(this.width * this.height * 4, 0xff);
    for (let i = 0, j = 0; i < this.rgb.length; i += 3, j += 4) this.rgb.copy(rgba, j, i, i + 3);
    return jpeg.encode({ data: rgba, width: this.width, height: this.height }, quality).data;
  }
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data and the CRC over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** HSL (hue in degrees, saturation and lightness 0..1) as RGB. */
export function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Where (x, y) lies in a box, as (-1..1, -1..1) from its centre; beyond ±1 is outside. */
export function relative(box: { left: number; top: number; width: number; height: number }, x: number, y: number): [number, number] {
  return [(x + 0.5 - box.left - box.width / 2) / (box.width / 2), (y + 0.5 - box.top - box.height / 2) / (box.height / 2)];
}
