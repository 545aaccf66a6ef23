// Small versions of entry images for the console's grid (GET /_trove/images?…&size=N). A grid of
// twelve-megapixel photos would otherwise send ~2 MB per card. The original is read through the
// same access check as the full image (ImageAccess.open), resized with sharp (libvips), and the
// result cached by the bytes it came from, so a changed object never shows a stale thumbnail.

import { createHash } from 'node:crypto';
import type { Sharp, SharpOptions } from 'sharp';
import type { OpenedImage } from './image-access.js';
import { ImageUnavailable } from './image-access.js';

/** Sizes a client may ask for: the longest side of the thumbnail, in pixels. */
export const THUMBNAIL_SIZES = { min: 32, max: 1024 } as const;

export interface Thumbnail {
  /** WebP, or the original's own type when it already fits (it is then sent as it is). */
  readonly contentType: 'image/webp' | OpenedImage['contentType'];
  readonly bytes: Buffer;
}

export interface ThumbnailOptions {
  /** Bytes of thumbnails kept in memory (least recently used dropped first). */
  readonly cacheBytes: number;
  /** Images decoded at once: each holds its original (at most 15 MB) and a decode buffer. */
  readonly concurrency: number;
}

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;
let loading: Promise<SharpFactory> | undefined;

/** sharp (libvips, a native module) is loaded on the first thumbnail, not at start-up. */
function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // libvips' own operation cache holds decoded images between calls: memory Trove does not account for.
    sharp.cache(false);
    return sharp;
  });
  return loading;
}

export class Thumbnails {
  readonly #cache = new Map<string, Thumbnail>();
  #cachedBytes = 0;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly options: ThumbnailOptions = { cacheBytes: 64 * 1024 * 1024, concurrency: 2 }) {}

  /**
   * The image scaled to fit in `size` × `size`, as WebP; an image that already fits is sent as it
   * is. Pixels are kept as stored: EXIF orientation is not applied (and not copied), as
   * Rekognition measures boxes on the stored pixel grid (docs/console.md).
   */
  async of(image: OpenedImage, size: number): Promise<Thumbnail> {
    await this.#slot();
    try {
      const original = await readAll(image);
      const key = `${size} ${createHash('sha256').update(original).digest('base64url')}`;
      const cached = this.#cache.get(key);
      if (cached) {
        // Most recently used last.
        this.#cache.delete(key);
        this.#cache.set(key, cached);
        return cached;
      }
      let thumbnail: Thumbnail;
      try {
        const decoder = (await loadSharp())(original, { limitInputPixels: 64_000_000, failOn: 'error' });
        const { width = 0, height = 0 } = await decoder.metadata();
        // Already small enough: re-encoding would cost CPU and gain nothing.
        thumbnail = Math.max(width, height) <= size
          ? { contentType: image.contentType, bytes: original }
          : { contentType: 'image/webp', bytes: await decoder.resize({ width: size, height: size, fit: 'inside' }).webp({ quality: 72, effort: 2 }).toBuffer() };
      } catch (error) {
        throw new ImageUnavailable(415, 'UnsupportedImage', `The image could not be decoded: ${(error as Error).message}`);
      }
      this.#remember(key, thumbnail);
      return thumbnail;
    } finally {
      this.#release();
    }
  }

  #remember(key: string, thumbnail: Thumbnail): void {
    if (thumbnail.bytes.length > this.options.cacheBytes) return;
    this.#cache.set(key, thumbnail);
    this.#cachedBytes += thumbnail.bytes.length;
    for (const [oldKey, old] of this.#cache) {
      if (this.#cachedBytes <= this.options.cacheBytes) break;
      this.#cache.delete(oldKey);
      this.#cachedBytes -= old.bytes.length;
    }
  }

  async #slot(): Promise<void> {
    if (this.#running < this.options.concurrency) {
      this.#running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running -= 1;
  }
}

async function readAll(image: OpenedImage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of image.body) chunks.push(Buffer.from(chunk));
  } catch (error) {
    image.discard();
    throw new ImageUnavailable(502, 'ObjectStoreUnavailable', `The object store stopped sending the image: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks);
}
