import type { Logger } from 'pino';
import { ObjectStoreError, parseS3Uri } from '../../../object-store/object-store.js';
import type { ObjectReader } from '../../../buckets/object-access.js';
import type { ObjectRef } from '../../../object-store/object-store.js';
import { jpegFrame, pngHeader, sniffFormat } from './image-header.js';
import type { HeaderResult } from './image-header.js';
import { jpegComplete } from './jpeg-end.js';
import { pngComplete } from './png-end.js';
import type { JpegHead } from './jpeg-frame.js';
import { IMAGE_LIMITS, imageFindings } from './image-rules.js';
import type { ImageExpectation, ImageFacts, ImageFinding } from './image-rules.js';

/** First read: PNG's IHDR is in the first 33 bytes; most JPEG frame headers within a few KB. */
const HEAD_BYTES = 4096;
/** Later reads while walking JPEG segments (EXIF and ICC segments can be up to 64 KB each). */
const SEEK_BYTES = 4096;
/** Bound on the reads one JPEG may cost; a frame header further away than this is not found. */
const MAX_READS = 16;

/**
 * How one image check ended: the image is fine, broke a rule (the first code found), could not
 * be judged because the store has no such bucket, or failed transiently (the job retries).
 */
export type ImageCheckOutcome = 'ok' | ImageFinding['code'] | 'not_checked' | 'unavailable';

/**
 * Checks the images that manifest lines point at, reading only their headers and last bytes
 * through ranged reads (and, for an image without an end marker in its last 1 KB, the few more
 * that jpeg-end.ts and png-end.ts ask for: where a JPEG's metadata puts the image's end, the
 * last 64 KB). One
 * checker serves one job: it remembers the buckets the store does not have, so a manifest full
 * of images elsewhere costs one failed read per bucket, not per image.
 */
export class ImageChecker {
  /** Per bucket: whether the store has it, known once the first image of the bucket was read. */
  readonly #buckets = new Map<string, Promise<boolean>>();
  readonly #unreachable = new Set<string>();

  /** `store`: an ObjectReader bound to whoever asked for the check (the job's requester). */
  constructor(
    private readonly store: Pick<ObjectReader, 'readRange' | 'description'>,
    private readonly logger?: Logger,
    private readonly onChecked: (outcome: ImageCheckOutcome) => void = () => undefined,
  ) {}

  /**
   * The rules the image breaks, or undefined when the store cannot reach it at all (no such
   * bucket in the store): Trove then cannot judge it and leaves the line as it is, by design.
   * Throws ObjectStoreError('unavailable') for transient failures, so the job is retried.
   */
  async check(sourceRef: string, expectation: ImageExpectation): Promise<ImageFinding[] | undefined> {
    const ref = parseS3Uri(sourceRef);
    if (!ref) return undefined;
    const known = this.#buckets.get(ref.bucket);
    if (known === undefined) {
      // The first image of a bucket goes alone; concurrent checks of the same bucket wait for it.
      const first = this.#checkOne(ref, expectation);
      this.#buckets.set(ref.bucket, first.then((findings) => findings !== undefined, () => true));
      return first;
    }
    return (await known) ? this.#checkOne(ref, expectation) : undefined;
  }

  /**
   * The pixel size of the image at `sourceRef` (its header, read as the checks read it), or
   * undefined when it cannot be read or is not a PNG or JPEG: what imports of normalised boxes
   * (YOLO) need. Throws ObjectStoreError('unavailable') for transient failures.
   */
  async size(sourceRef: string): Promise<{ width: number; height: number } | undefined> {
    const ref = parseS3Uri(sourceRef);
    if (!ref) return undefined;
    const facts = await this.#facts(ref).catch((error: unknown) => this.#failure(ref, error));
    return facts?.kind === 'image' ? { width: facts.width, height: facts.height } : undefined;
  }

  /** Whether a bucket has been found missing from the store (so none of its images is checked). */
  knownUnreachable(bucket: string): boolean {
    return this.#unreachable.has(bucket);
  }

  /** Whether the store's answer about this bucket is still to come. */
  unprobed(bucket: string): boolean {
    return !this.#buckets.has(bucket);
  }

  async #checkOne(ref: ObjectRef, expectation: ImageExpectation): Promise<ImageFinding[] | undefined> {
    const facts = await this.#facts(ref).catch((error: unknown) => this.#failure(ref, error));
    const findings = facts && imageFindings(facts, expectation);
    this.onChecked(findings === undefined ? 'not_checked' : findings[0]?.code ?? 'ok');
    return findings;
  }

  async #facts(ref: ObjectRef): Promise<ImageFacts> {
    const first = await this.store.readRange(ref, 0, HEAD_BYTES);
    const { size } = first;
    if (size > IMAGE_LIMITS.maxBytes) return { kind: 'too-large', bytes: size };
    const format = sniffFormat(first.bytes);
    if (typeof format !== 'string') {
      return { kind: 'unreadable', detail: format.other === 'empty' ? 'The object is empty.' : `The object is ${format.other}; only PNG and JPEG are supported.` };
    }
    const head: JpegHead = { hints: [], dataFrom: 0 };
    const header = format === 'PNG' ? pngHeader(first.bytes) : await this.#jpegHeader(ref, first.bytes, size, head);
    if (header.kind !== 'image') return { kind: 'unreadable', detail: header.kind === 'invalid' ? header.detail : 'The JPEG frame header was not found.' };
    // Bytes within the first read are taken from it, not read again.
    const read = async (offset: number, length: number) =>
      offset + length <= first.bytes.length ? first.bytes.subarray(offset, offset + length) : (await this.store.readRange(ref, offset, length)).bytes;
    const steps = header.format === 'PNG' ? pngComplete(size) : jpegComplete(size, head);
    let step = steps.next();
    while (!step.done) step = steps.next(await read(step.value.offset, step.value.length));
    return { kind: 'image', format: header.format, width: header.width, height: header.height, complete: step.value };
  }

  async #jpegHeader(ref: ObjectRef, first: Buffer, size: number, head: JpegHead): Promise<HeaderResult> {
    let result = jpegFrame(first, 0, 2, size, head);
    for (let reads = 1; result.kind === 'need'; reads++) {
      if (reads >= MAX_READS) return { kind: 'invalid', detail: `The JPEG frame header was not found within ${MAX_READS} reads.` };
      const { offset } = result;
      const window = await this.store.readRange(ref, offset, SEEK_BYTES);
      result = jpegFrame(window.bytes, offset, offset, window.size, head);
    }
    return result;
  }

  #failure(ref: ObjectRef, error: unknown): ImageFacts | undefined {
    if (!(error instanceof ObjectStoreError)) throw error;
    switch (error.reason) {
      case 'no-such-bucket':
        this.#unreachable.add(ref.bucket);
        this.logger?.info({ bucket: ref.bucket, store: this.store.description }, 'images in this bucket are not checked: the object store has no such bucket');
        return undefined;
      // One finding for both: a denied read must not tell whether another account's object exists.
      case 'no-such-key':
      case 'access-denied':
        return { kind: 'missing' };
      case 'unavailable':
        this.onChecked('unavailable');
        throw error;
    }
  }
}
