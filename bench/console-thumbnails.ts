/**
 * Thumbnails (issue #13): a 12-megapixel photo-like JPEG scaled for the console's grid (384 px,
 * WebP), against sending the original: bytes on the wire, time to make one, time from the cache.
 *
 *   npx tsx bench/console-thumbnails.ts [--runs 5]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Thumbnails } from '../src/domain/rekognition/images/thumbnails.js';
import { median, ms } from './lib/trove-process.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const W = 4000;
const H = 3000;

/** Smooth shapes plus fine noise, as in a photo: neither flat (compresses to nothing) nor pure noise. */
async function photo(seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(W * H * 3);
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const v = 128 + 60 * Math.sin(x / 37 + seed) * Math.cos(y / 53) + 40 * Math.sin((x + y) / 211);
      raw[i] = v + random() * 30;
      raw[i + 1] = 255 - v + random() * 30;
      raw[i + 2] = ((x * y) % 255) * 0.3 + random() * 30;
    }
  }
  return sharp(raw, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

const opened = (bytes: Buffer) => ({ contentType: 'image/jpeg' as const, size: bytes.length, body: (async function* () { yield bytes; })(), discard: () => undefined });

const thumbnails = new Thumbnails();
const made: number[] = [];
const cached: number[] = [];
let sizes = { original: 0, thumbnail: 0 };
for (let run = 0; run < RUNS; run++) {
  const original = await photo(run);
  let start = performance.now();
  const thumbnail = await thumbnails.of(opened(original), 384);
  made.push(performance.now() - start);
  start = performance.now();
  await thumbnails.of(opened(original), 384);
  cached.push(performance.now() - start);
  sizes = { original: original.length, thumbnail: thumbnail.bytes.length };
}
console.log(`${W} x ${H} JPEG of ${(sizes.original / 1024 / 1024).toFixed(2)} MB -> 384 px WebP of ${(sizes.thumbnail / 1024).toFixed(1)} KB (${(sizes.original / sizes.thumbnail).toFixed(0)}x smaller)`);
console.log(`making one: median ${ms(median(made))}; from the cache (hashing the original): median ${ms(median(cached))}`);
