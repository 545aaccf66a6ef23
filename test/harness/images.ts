import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from '../../src/demo/raster.js';
import { noise } from './phone-jpegs.js';

// Tiny, real image files built in code (no binary fixtures in the repository).

/**
 * A PNG of `width` x `height` (8-bit RGB, all black). The pixel data is a valid zlib stream for
 * images up to 16 MB raw; larger ones get a short IDAT (Trove reads only headers and trailers).
 * `padding` adds an ancillary chunk of that many bytes, to make a file of a given size.
 */
export function png(width: number, height: number, options: { padding?: number } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = height * (1 + width * 3);
  const idat = deflateSync(Buffer.alloc(raw <= 16 * 1024 * 1024 ? raw : 1));
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat)];
  if (options.padding) parts.push(pngChunk('teXt', Buffer.alloc(options.padding, 0x20)));
  parts.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/**
 * A 640x480 PNG whose image data is `dataBytes` of noise (as compressed pixels are, so a cut in
 * it leaves no IEND chunk near the end). Not decodable; Trove reads only headers and trailers.
 */
export function noisyPng(dataBytes: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(640, 0);
  ihdr.writeUInt32BE(480, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', noise(dataBytes, 7)), pngChunk('IEND', Buffer.alloc(0))]);
}

function segment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/**
 * A baseline JPEG's structure: SOI, APP0 (JFIF), optional APP1 of `exifBytes` (pushes the frame
 * header further into the file, as EXIF data does), DQT, SOF0 with the size, DHT, SOS, some
 * entropy-coded bytes, EOI. The markers are real; the pixel data is filler.
 */
export function jpeg(width: number, height: number, options: { exifBytes?: number } = {}): Buffer {
  const sof = Buffer.alloc(15);
  sof[0] = 8;
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof[5] = 3;
  for (let c = 0; c < 3; c++) sof.set([c + 1, 0x11, 0], 6 + c * 3);
  const parts = [
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
  ];
  let exif = options.exifBytes ?? 0;
  while (exif > 0) {
    const size = Math.min(exif, 65_000);
    parts.push(segment(0xe1, Buffer.alloc(size, 0x45)));
    exif -= size;
  }
  parts.push(
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xc0, sof),
    segment(0xc4, Buffer.alloc(29, 0)),
    segment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])),
    Buffer.alloc(2048, 0x55),
    Buffer.from([0xff, 0xd9]),
  );
  return Buffer.concat(parts);
}

export const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([100, 0, 100, 0, 0, 0, 0]), Buffer.from(';')]);
