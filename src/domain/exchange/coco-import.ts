// A COCO instances file as manifest lines, read as a stream in bounded memory.
//
// COCO lists images, annotations and categories apart, in any order, and annotations need not
// be grouped by image; a manifest line holds an image with all its boxes. So the file is read
// more than once when it must: pass 1 keeps the categories and the images (an s3:// location, a
// size and the optional image-level labels each, within their own budget of bytes) and, while
// they fit a memory budget, the boxes, packed in typed arrays (44 bytes a box, plus a string
// image id's length). A file whose boxes fit the budget (64 MiB: 1.5 million boxes) is read once.
// Otherwise each later pass keeps the boxes of a window of images within the budget and writes
// those images' lines: a bigger file is read a few more times, never held whole. Whatever is kept
// is counted in bytes, so no member of the file (a string id or file name of megabytes, a long
// list of image labels) makes memory grow with the file instead of with the budgets.
//
// AWS's guide (md-transform-coco) copies `bbox` floats unrounded; so does Trove. `segmentation`
// and `iscrowd` have no Rekognition equivalent: a crowd region is imported as an ordinary box of
// its label, masks are ignored. Images without annotations become unlabeled entries.

import { JsonArraysError, topLevelArrayElementBatches } from '../../lib/json-arrays.js';
import type { ArrayElement } from '../../lib/json-arrays.js';
import { MAX_JSON_DEPTH } from '../../lib/json-depth.js';
import { readAnnotationMembers } from './coco-annotation.js';
import { IMAGE_LABELS_MEMBER } from './coco-export.js';
import { ImportFormatError, manifestLine, skip, skipBoxesOfImage, underPrefix } from './import-lines.js';
import type { ImportBox, ImportImage, ImportStats } from './import-lines.js';

export interface CocoImportOptions {
  /** Where the images are: `s3://bucket/prefix/`, joined with each `file_name`. Without it, `coco_url` or `file_name` must be an s3:// URI. */
  readonly images?: string;
  /** `creation-date` of the lines made (the import's time, ISO). */
  readonly creationDate: string;
  /** More images than this is refused before anything is read twice (the dataset could not hold them). */
  readonly maxImages: number;
  /** Bytes of boxes kept per pass (default 64 MiB). */
  readonly boxBudgetBytes?: number;
  /** Bytes of the images table: ids, s3:// locations and image labels (default 256 MiB). */
  readonly imageTableBudgetBytes?: number;
  /** The size of an image whose COCO entry lacks width/height, read from the image itself (absent: such images are skipped). */
  readonly imageSize?: (sourceRef: string) => Promise<{ width: number; height: number } | undefined>;
}

/**
 * Bytes one kept box costs: its image (Int32), its class and four coordinates (Float64: a category
 * id is any integer the file gives, and NaN, which no category has, stands for none).
 */
const BOX_BYTES = 44;
const DEFAULT_BUDGET = 64 * 1024 * 1024;
/** Largest COCO element (an image, an annotation with its segmentation, a category). */
const MAX_ELEMENT_BYTES = 16 * 1024 * 1024;
const DEFAULT_IMAGE_TABLE_BUDGET = 256 * 1024 * 1024;
/** COCO ids are integers; a string id (some tools write them) is kept up to this many characters. */
const MAX_ID_CHARS = 256;
/** An s3:// URI names a bucket (at most 63 characters) and a key (at most 1024 bytes). */
const MAX_SOURCE_REF_CHARS = 5 + 63 + 1 + 1024;
/** Rekognition: a label name is 1..255 characters; a file with more categories than this is no label set. */
const MAX_LABEL_CHARS = 255;
const MAX_CATEGORIES = 100_000;
/** What a kept image costs besides its strings: its entries in the table's arrays and map. */
const IMAGE_OVERHEAD_BYTES = 64;
const JOB_NAME = 'trove-import/coco';
/** Lines per batch handed out (about 150 KB of text: small beside the budgets above). */
const LINE_BATCH = 256;

interface Images {
  readonly ids: Map<number | string, number>;
  readonly sourceRefs: (string | undefined)[];
  readonly widths: number[];
  readonly heights: number[];
  readonly labels: Map<number, number[]>;
  /** What the table holds, in bytes (string lengths, 8 per number), against its budget. */
  bytes: number;
  readonly budget: number;
}

/** Writes an image's manifest line: its text (manifestLine), or with it its parsed form (manifestLineParsed). */
export type LineMaker<T> = (image: ImportImage, creationDate: string, jobName: string) => T;

/**
 * Yields one manifest line per resolvable image, in the file's image order, a few hundred lines
 * at a time: one asynchronous step per batch rather than per line (the import job and the CLI's
 * sender take lines in batches). Each line is made by `makeLine` (its text by default). Throws
 * ImportFormatError.
 */
export async function* cocoToLineBatches<T = string>(
  open: () => AsyncIterable<Uint8Array>, options: CocoImportOptions, stats: ImportStats, makeLine: LineMaker<T> = manifestLine as LineMaker<T>,
): AsyncGenerator<T[]> {
  const categories = new Map<number, string>();
  const images: Images = {
    ids: new Map(), sourceRefs: [], widths: [], heights: [], labels: new Map(), bytes: 0, budget: options.imageTableBudgetBytes ?? DEFAULT_IMAGE_TABLE_BUDGET,
  };
  stats.passes++;
  const budget = options.boxBudgetBytes ?? DEFAULT_BUDGET;
  const capacity = Math.max(1, Math.floor(budget / BOX_BYTES));
  // Pass 1 also keeps the annotations, by their image id (images may come after them), while
  // they fit the budget: then the file is read once. Otherwise windows of images are read again.
  // An annotation's own id is kept only when it is a number (it serves only to name it in a message).
  let early: { box: Boxes; imageIds: (number | string | undefined)[]; ids: (number | undefined)[]; bytes: number } | undefined = {
    box: new Boxes(Math.min(capacity, 1024)), imageIds: [], ids: [], bytes: 0,
  };
  let sawImages = false;
  for await (const batch of elements(open(), new Set(['images', 'categories', 'annotations']))) for (const element of batch) {
    const { key } = element;
    if (key === 'annotations') {
      if (!early) continue;
      const annotation = annotationOf(element);
      if (!annotation) continue;
      const imageId = idOf(annotation.image_id);
      early.bytes += BOX_BYTES + (typeof imageId === 'string' ? imageId.length : 0);
      if (early.box.length >= capacity || early.bytes > budget) {
        early = undefined;
        continue;
      }
      early.imageIds.push(imageId);
      early.ids.push(typeof annotation.id === 'number' ? annotation.id : undefined);
      early.box = early.box.push({ image: -1, classId: Number.isInteger(annotation.category_id) ? annotation.category_id as number : NaN, bbox: bboxOf(annotation) ?? [NaN, NaN, NaN, NaN] });
      continue;
    }
    const { text } = element;
    if (text === '') continue;
    const value = parse(text, key);
    if (key === 'categories') addCategory(categories, value, stats);
    else {
      sawImages = true;
      addImage(images, value, options, stats);
      if (images.sourceRefs.length > options.maxImages) {
        throw new ImportFormatError(`The COCO file has more than ${options.maxImages} images, the most a dataset may hold.`);
      }
    }
  }
  if (!sawImages) throw new ImportFormatError('The file is not a COCO instances file: it has no "images".');
  const count = images.sourceRefs.length;
  if (early) {
    const box = early.box;
    let kept = 0;
    for (let i = 0; i < box.length; i++) {
      const read = readAnnotation({
        id: early.ids[i] ?? `#${i + 1}`, image_id: early.imageIds[i], category_id: box.classId[i], bbox: Number.isNaN(box.coords[4 * i]) ? undefined : [0, 0, 0, 0],
      }, images, categories);
      if ('reason' in read) {
        skip(stats, read.reason, read.message);
        continue;
      }
      // The coordinates move with copyWithin below; the placeholder bbox above only passes the check.
      box.image[kept] = read.image;
      box.classId[kept] = read.classId;
      box.coords.copyWithin(4 * kept, 4 * i, 4 * i + 4);
      kept++;
    }
    box.length = kept;
    yield* linesOf(box, 0, count, images, categories, options, stats, makeLine);
    return;
  }

  const perImage = new Int32Array(count);
  let box = new Boxes(Math.min(capacity, 1024));
  for (let low = 0; low < count;) {
    let high = count;
    const first = stats.passes === 1;
    stats.passes++;
    perImage.fill(0, low);
    for await (const batch of elements(open(), new Set(['annotations']))) for (const element of batch) {
      const annotation = annotationOf(element);
      if (!annotation) continue;
      const read = readAnnotation(annotation, images, categories);
      if ('reason' in read) {
        if (first) skip(stats, read.reason, read.message);
        continue;
      }
      if (read.image < low || read.image >= high) continue;
      if (box.length >= capacity) {
        // Over budget: give up the highest images of the window (read again by a later pass).
        let kept = box.length;
        while (kept >= capacity * 0.75 && high > low + 1) kept -= perImage[--high];
        box.dropFrom(high);
        if (box.length >= capacity) {
          throw new ImportFormatError(`The image ${images.sourceRefs[low] ?? low} has more boxes than Trove can hold at once (${capacity}).`);
        }
        if (read.image >= high) continue;
      }
      box = box.push(read);
      perImage[read.image]++;
    }
    yield* linesOf(box, low, high, images, categories, options, stats, makeLine);
    box = new Boxes(Math.min(capacity, 1024));
    low = high;
  }
}

async function* elements(chunks: AsyncIterable<Uint8Array>, wanted: ReadonlySet<string>) {
  try {
    // A hostile element of nested brackets would cost JSON.parse hundreds of MB: refused unparsed.
    yield* topLevelArrayElementBatches(chunks, wanted, MAX_ELEMENT_BYTES, MAX_JSON_DEPTH);
  } catch (error) {
    if (error instanceof JsonArraysError) throw new ImportFormatError(`The file is not a COCO JSON file: ${error.message}`);
    throw error;
  }
}

function parse(text: string, key: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportFormatError(`The COCO file is not valid JSON (in "${key}": ${text.slice(0, 80)}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportFormatError(`Each element of "${key}" must be an object (found ${text.slice(0, 80)}).`);
  }
  return value as Record<string, unknown>;
}

/**
 * An annotation's members: read from its bytes when they allow (coco-annotation.ts), parsed
 * otherwise; undefined for an element of only white space (left out, as the scanner always has).
 */
function annotationOf(element: ArrayElement): Record<string, unknown> | undefined {
  const read = readAnnotationMembers(element.bytes);
  if (read) return read;
  const { text } = element;
  return text === '' ? undefined : parse(text, 'annotations');
}

function addCategory(categories: Map<number, string>, value: Record<string, unknown>, stats: ImportStats): void {
  const { id, name } = value;
  if (!Number.isInteger(id) || typeof name !== 'string' || name === '' || name.length > MAX_LABEL_CHARS) {
    skip(stats, 'INVALID_CATEGORY', `a category without an integer id and a name of 1 to ${MAX_LABEL_CHARS} characters: ${JSON.stringify(value).slice(0, 80)}`);
    return;
  }
  if (!categories.has(id as number) && categories.size >= MAX_CATEGORIES) {
    throw new ImportFormatError(`The COCO file has more than ${MAX_CATEGORIES} categories.`);
  }
  categories.set(id as number, name);
}

/** An id as the table keeps it: a number, or a string of at most MAX_ID_CHARS; undefined otherwise. */
function idOf(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.length <= MAX_ID_CHARS ? value : undefined;
}

function addImage(images: Images, value: Record<string, unknown>, options: CocoImportOptions, stats: ImportStats): void {
  const { file_name: fileName, coco_url: url, width, height } = value;
  const id = idOf(value.id);
  if (id === undefined || images.ids.has(id)) {
    skip(stats, 'INVALID_IMAGE_ID', `an image with a missing, repeated or over-long id: ${JSON.stringify(value).slice(0, 80)}`);
    return;
  }
  let sourceRef = options.images && typeof fileName === 'string' && fileName !== ''
    ? underPrefix(options.images, fileName)
    : [url, fileName].find((candidate): candidate is string => typeof candidate === 'string' && candidate.startsWith('s3://'));
  if (!sourceRef) {
    skip(stats, 'NO_IMAGE_LOCATION', `image ${String(id)} (${String(fileName).slice(0, 200)}): no s3:// location; give the images' prefix (--images s3://bucket/prefix/)`);
  } else if (sourceRef.length > MAX_SOURCE_REF_CHARS) {
    skip(stats, 'IMAGE_LOCATION_TOO_LONG', `image ${String(id)}: its s3:// location is longer than an S3 key can be (${sourceRef.slice(0, 80)}...)`);
    sourceRef = undefined;
  }
  const labels = value[IMAGE_LABELS_MEMBER];
  const kept = Array.isArray(labels) ? [...new Set(labels.filter((label) => Number.isInteger(label)) as number[])] : [];
  images.bytes += IMAGE_OVERHEAD_BYTES + (typeof id === 'string' ? id.length : 0) + (sourceRef?.length ?? 0) + 8 * kept.length;
  if (images.bytes > images.budget) {
    throw new ImportFormatError(`The COCO file's images (their ids, locations and labels) need more than ${images.budget / 1024 / 1024} MiB, the most an import keeps.`);
  }
  const index = images.sourceRefs.length;
  images.ids.set(id, index);
  images.sourceRefs.push(sourceRef);
  images.widths.push(typeof width === 'number' && width > 0 ? width : 0);
  images.heights.push(typeof height === 'number' && height > 0 ? height : 0);
  if (kept.length > 0) images.labels.set(index, kept);
}

/** A box to keep, or why the annotation is left out. */
function readAnnotation(
  value: Record<string, unknown>, images: Images, categories: ReadonlyMap<number, string>,
): { image: number; classId: number; bbox: number[] } | { reason: 'UNKNOWN_IMAGE' | 'UNKNOWN_CATEGORY' | 'INVALID_BOX'; message: string } {
  const imageId = idOf(value.image_id);
  const image = imageId === undefined ? undefined : images.ids.get(imageId);
  if (image === undefined) return { reason: 'UNKNOWN_IMAGE', message: `annotation ${String(value.id).slice(0, 80)}: no image with id ${String(value.image_id).slice(0, 80)}` };
  if (!Number.isInteger(value.category_id) || !categories.has(value.category_id as number)) {
    return { reason: 'UNKNOWN_CATEGORY', message: `annotation ${String(value.id).slice(0, 80)}: no category with id ${String(value.category_id).slice(0, 80)}` };
  }
  const bbox = bboxOf(value);
  if (!bbox) return { reason: 'INVALID_BOX', message: `annotation ${String(value.id).slice(0, 80)}: no bbox [x, y, width, height]` };
  return { image, classId: value.category_id as number, bbox };
}

function bboxOf(value: Record<string, unknown>): number[] | undefined {
  const { bbox } = value;
  return Array.isArray(bbox) && bbox.length === 4 && bbox.every((n) => typeof n === 'number' && Number.isFinite(n)) ? bbox as number[] : undefined;
}

/**
 * The lines of images [low, high) with the boxes kept for them, in image order and, per image, file
 * order: one at a time, as they are taken (a window may be every image of the file).
 */
async function* linesOf<T>(
  boxes: Boxes, low: number, high: number, images: Images, categories: ReadonlyMap<number, string>, options: CocoImportOptions, stats: ImportStats,
  makeLine: LineMaker<T>,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  const order = boxes.orderByImage(low, high);
  let at = 0;
  for (let image = low; image < high; image++) {
    const own: ImportBox[] = [];
    for (; at < order.length && boxes.image[order[at]] === image; at++) {
      const i = order[at];
      const classId = boxes.classId[i];
      own.push({ classId, label: categories.get(classId)!, left: boxes.coords[4 * i], top: boxes.coords[4 * i + 1], width: boxes.coords[4 * i + 2], height: boxes.coords[4 * i + 3] });
    }
    const sourceRef = images.sourceRefs[image];
    if (!sourceRef) {
      skipBoxesOfImage(stats, own.length);
      continue;
    }
    let size = images.widths[image] > 0 && images.heights[image] > 0 ? { width: images.widths[image], height: images.heights[image] } : undefined;
    if (!size && own.length > 0) {
      size = await options.imageSize?.(sourceRef);
      if (!size) {
        skip(stats, 'IMAGE_SIZE_UNREADABLE', `${sourceRef}: no width and height in the COCO file, and the image's own size could not be read`, sourceRef);
        skipBoxesOfImage(stats, own.length);
        continue;
      }
    }
    const imageLabels = (images.labels.get(image) ?? []).map((id) => categories.get(id)).filter((name): name is string => name !== undefined);
    stats.images++;
    stats.boxes += own.length;
    batch.push(makeLine({ sourceRef, size, boxes: own, imageLabels }, options.creationDate, JOB_NAME));
    if (batch.length >= LINE_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Boxes packed in typed arrays, grown by doubling. */
class Boxes {
  length = 0;
  image: Int32Array;
  classId: Float64Array;
  coords: Float64Array;

  constructor(capacity: number) {
    this.image = new Int32Array(capacity);
    this.classId = new Float64Array(capacity);
    this.coords = new Float64Array(capacity * 4);
  }

  push(box: { image: number; classId: number; bbox: number[] }): Boxes {
    let target: Boxes = this;
    if (this.length === this.image.length) {
      target = new Boxes(this.image.length * 2);
      target.image.set(this.image);
      target.classId.set(this.classId);
      target.coords.set(this.coords);
      target.length = this.length;
    }
    const i = target.length++;
    target.image[i] = box.image;
    target.classId[i] = box.classId;
    target.coords.set(box.bbox, 4 * i);
    return target;
  }

  /** Forgets the boxes of images from `image` on. */
  dropFrom(image: number): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.image[i] >= image) continue;
      this.image[kept] = this.image[i];
      this.classId[kept] = this.classId[i];
      this.coords.copyWithin(4 * kept, 4 * i, 4 * i + 4);
      kept++;
    }
    this.length = kept;
  }

  /**
   * Positions sorted by image, stable (file order within an image), for boxes of images [low,
   * high): a counting sort, linear where a comparison sort of 60,000 boxes took milliseconds.
   */
  orderByImage(low: number, high: number): Uint32Array {
    const next = new Uint32Array(high - low + 1);
    for (let i = 0; i < this.length; i++) next[this.image[i] - low + 1]++;
    for (let image = 1; image < next.length; image++) next[image] += next[image - 1];
    const order = new Uint32Array(this.length);
    for (let i = 0; i < this.length; i++) order[next[this.image[i] - low]++] = i;
    return order;
  }
}
