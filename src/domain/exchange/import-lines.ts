import { LEFT_OUT_REASONS } from '../rekognition/history/left-out.js';
import type { ConversionCounts, LeftOut, LeftOutReason } from '../rekognition/history/left-out.js';

// Manifest lines made from other formats (COCO, YOLO): the Ground Truth lines an
// UpdateDatasetEntries change would carry for the same images, so an import goes through exactly
// the validation, limits and errors of a change (AWS's own guide converts COCO the same way).

/** The source cannot be read as the format at all (not JSON, no images, no class names, ...). */
export class ImportFormatError extends Error {}

export interface ImportBox {
  /** The class id the source gave the box (COCO category id, YOLO class index). */
  readonly classId: number;
  readonly label: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface ImportImage {
  readonly sourceRef: string;
  readonly size?: { readonly width: number; readonly height: number };
  readonly boxes: readonly ImportBox[];
  readonly imageLabels: readonly string[];
}

/** What a conversion read and left out; printed by `trove import`, recorded with the revision by the import job. */
export interface ImportStats extends ConversionCounts {
  /** Examples of what was left out, at most a few, for the summary. */
  problems: string[];
  /** Times the source was read (COCO reads its annotations again when they do not fit the memory budget). */
  passes: number;
  /**
   * Told each item left out (not the counted-only BOXES_OF_LEFT_OUT_IMAGE): the import job lists
   * them in the revision's ingest report, which bounds what it keeps by bytes.
   */
  onLeftOut?: (item: LeftOut) => void;
}

export function newImportStats(): ImportStats {
  return { images: 0, boxes: 0, skippedBoxes: 0, skippedImages: 0, leftOut: {}, problems: [], passes: 0 };
}

const MAX_PROBLEMS = 10;

/** Counts a left-out box, image or category by its reason, keeps the first few messages, and tells the listener. */
export function skip(stats: ImportStats, reason: Exclude<LeftOutReason, 'BOXES_OF_LEFT_OUT_IMAGE'>, message: string, sourceRef?: string): void {
  count(stats, reason, 1);
  if (stats.problems.length < MAX_PROBLEMS) stats.problems.push(message);
  stats.onLeftOut?.({ reason, message, ...(sourceRef === undefined ? {} : { sourceRef }) });
}

/** Counts the boxes that went with a left-out image (not listed one by one). */
export function skipBoxesOfImage(stats: ImportStats, boxes: number): void {
  if (boxes > 0) count(stats, 'BOXES_OF_LEFT_OUT_IMAGE', boxes);
}

function count(stats: ImportStats, reason: LeftOutReason, n: number): void {
  const { what } = LEFT_OUT_REASONS[reason];
  if (what === 'box') stats.skippedBoxes += n;
  else if (what === 'image') stats.skippedImages += n;
  stats.leftOut[reason] = (stats.leftOut[reason] ?? 0) + n;
}

/**
 * The manifest line of one image: its boxes as one object-detection attribute `bounding-box`
 * (class_id as the source numbered it, a class-map of the classes the line uses), each
 * image-level label as a classification attribute `label-<n>`, or just the source-ref for an
 * image without either (an unlabeled image). Coordinates are kept as given.
 */
export function manifestLine(image: ImportImage, creationDate: string, jobName: string): string {
  // Written as text rather than built as an object for JSON.stringify: a COCO import makes a line
  // per image, and this is the same JSON, member for member, at a fraction of the cost.
  const tail = `,"human-annotated":"yes","creation-date":${JSON.stringify(creationDate)}`;
  const job = JSON.stringify(jobName);
  let line = `{"source-ref":${JSON.stringify(image.sourceRef)}`;
  image.imageLabels.forEach((label, i) => {
    line += `,"label-${i}":1,"label-${i}-metadata":{"confidence":1,"job-name":${job},"class-name":${JSON.stringify(label)}${tail},"type":"groundtruth/image-classification"}`;
  });
  if (image.boxes.length > 0) {
    // An object, so that its members come in JavaScript's order (integer-like keys ascending) as before.
    const classMap: Record<string, string> = {};
    let annotations = '';
    let objects = '';
    for (const box of image.boxes) {
      classMap[String(box.classId)] = box.label;
      const comma = annotations === '' ? '' : ',';
      annotations += `${comma}{"class_id":${number(box.classId)},"top":${number(box.top)},"left":${number(box.left)},"width":${number(box.width)},"height":${number(box.height)}}`;
      objects += `${comma}{"confidence":1}`;
    }
    line += `,"bounding-box":{"image_size":[{"width":${number(image.size?.width ?? 0)},"height":${number(image.size?.height ?? 0)},"depth":3}],"annotations":[${annotations}]}`
      + `,"bounding-box-metadata":{"objects":[${objects}],"class-map":${JSON.stringify(classMap)},"type":"groundtruth/object-detection"${tail},"job-name":${job}}`;
  }
  return `${line}}`;
}

/** A number as JSON.stringify writes it (null for NaN and the infinities). */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * A converted line with the object `JSON.parse(text)` would give, built from the same values: the
 * import job hands it to validation (ingest's NumberedLine.parsed) so that the line it has just
 * written is not parsed again. `text` is still what is stored: the bytes a change would carry.
 */
export interface ParsedLine {
  readonly text: string;
  readonly parsed: Record<string, unknown>;
}

/** manifestLine, with the object its text parses to (member for member, in the same order). */
export function manifestLineParsed(image: ImportImage, creationDate: string, jobName: string): ParsedLine {
  const parsed: Record<string, unknown> = { 'source-ref': image.sourceRef };
  image.imageLabels.forEach((label, i) => {
    parsed[`label-${i}`] = 1;
    parsed[`label-${i}-metadata`] = {
      confidence: 1, 'job-name': jobName, 'class-name': label, 'human-annotated': 'yes', 'creation-date': creationDate, type: 'groundtruth/image-classification',
    };
  });
  if (image.boxes.length > 0) {
    const classMap: Record<string, string> = {};
    const annotations = [];
    const objects = [];
    for (const box of image.boxes) {
      classMap[String(box.classId)] = box.label;
      annotations.push({ class_id: parsedNumber(box.classId), top: parsedNumber(box.top), left: parsedNumber(box.left), width: parsedNumber(box.width), height: parsedNumber(box.height) });
      objects.push({ confidence: 1 });
    }
    parsed['bounding-box'] = { image_size: [{ width: parsedNumber(image.size?.width ?? 0), height: parsedNumber(image.size?.height ?? 0), depth: 3 }], annotations };
    parsed['bounding-box-metadata'] = {
      objects, 'class-map': classMap, type: 'groundtruth/object-detection', 'human-annotated': 'yes', 'creation-date': creationDate, 'job-name': jobName,
    };
  }
  return { text: manifestLine(image, creationDate, jobName), parsed };
}

/** A number as JSON.parse reads back what `number` wrote: null for NaN and the infinities, 0 for -0. */
function parsedNumber(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return value === 0 ? 0 : value;
}

/** `prefix` + a relative path, without doubled or leading slashes (`s3://b/p/` + `./x.jpg`). */
export function underPrefix(prefix: string, path: string): string {
  const relative = path.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  return prefix.endsWith('/') ? prefix + relative : `${prefix}/${relative}`;
}
