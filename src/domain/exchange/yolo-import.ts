// A YOLO folder (data.yaml, labels/**/*.txt, and images/** or images.txt naming the images) as
// manifest lines, read from a tar stream or a folder walk in two passes: pass 1 reads the class
// names and which images there are, pass 2 the label files. Memory: the image list (bounded by
// the images a dataset may hold) and one label file at a time.
//
// Pairing (Ultralytics): `images/<path>.<ext>` ↔ `labels/<path>.txt`. An image named by an
// s3:// URI in images.txt (Trove's own YOLO export) keeps that URI and pairs with
// `labels/<key without extension>.txt`; an image named by a relative path is found under
// `--images s3://bucket/prefix/` + the path after `images/`. YOLO boxes are normalised, so each
// image's size is needed: read from the image itself (`imageSize`). Coordinates are rounded to
// 1/1,000,000 px, which undoes the floating-point noise of normalising and back.

import type { TarReadEntry, TarScanner } from '../../lib/tar.js';
import { labelPathOf } from './yolo-export.js';
import { ImportFormatError, manifestLine, skip, skipBoxesOfImage, underPrefix } from './import-lines.js';
import type { ImportBox, ImportStats } from './import-lines.js';
import { parseYoloNames } from './yolo-names.js';

export interface YoloImportOptions {
  /** Where images named by relative paths are: `s3://bucket/prefix/`. */
  readonly images?: string;
  readonly creationDate: string;
  readonly maxImages: number;
  /** The pixel size of an image (the server reads its header through the object store; the CLI reads local files). */
  readonly imageSize: (sourceRef: string, localPath?: string) => Promise<{ width: number; height: number } | undefined>;
}

const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;
const JOB_NAME = 'trove-import/yolo';

interface ImageRef { sourceRef: string; localPath?: string; labeled: boolean }

/**
 * Which pass reads the folder: `index` (class names and images: a label file's rows are not
 * looked at, so a reader need not count those of one too large to hold) or `labels`.
 */
export type YoloPass = 'index' | 'labels';

/** Yields one manifest line per image; throws ImportFormatError when the folder cannot be read as YOLO. */
export async function* yoloToLines(
  open: (pass: YoloPass) => AsyncIterable<TarReadEntry>, options: YoloImportOptions, stats: ImportStats,
): AsyncGenerator<string> {
  stats.passes++;
  let yaml: { path: string; text: string } | undefined;
  let classesTxt: string | undefined;
  let list: { path: string; text: string } | undefined;
  const imageFiles: string[] = [];
  for await (const file of open('index')) {
    const name = normalise(file.name);
    const base = name.slice(name.lastIndexOf('/') + 1);
    if ((base === 'data.yaml' || base === 'data.yml') && file.body && (!yaml || depth(name) < depth(yaml.path))) yaml = { path: name, text: file.body.toString('utf8') };
    else if (base === 'classes.txt' && file.body) classesTxt = file.body.toString('utf8');
    else if (base === 'images.txt' && file.body && !inSegment(name, 'labels')) list = { path: name, text: file.body.toString('utf8') };
    else if (IMAGE_EXTENSIONS.test(name) && inSegment(name, 'images')) imageFiles.push(name);
  }
  const names = yaml ? parseYoloNames(yaml.text) : classesTxt !== undefined ? classesTxt.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : undefined;
  if (!names) throw new ImportFormatError('The YOLO folder has no data.yaml (or classes.txt) naming its classes.');
  const root = yaml ? yaml.path.slice(0, yaml.path.lastIndexOf('/') + 1) : '';

  // Label path (relative to the root) → image.
  const images = new Map<string, ImageRef>();
  const add = (labelPath: string, image: ImageRef) => {
    if (images.has(labelPath)) return;
    images.set(labelPath, image);
    if (images.size > options.maxImages) throw new ImportFormatError(`The YOLO folder has more than ${options.maxImages} images, the most a dataset may hold.`);
  };
  for (const line of list ? list.text.split(/\r?\n/).map((text) => text.trim()).filter(Boolean) : []) {
    if (line.startsWith('s3://')) add(labelPathOf(line), { sourceRef: line, labeled: false });
    else addRelative(normalise(line), add, options, stats);
  }
  for (const path of imageFiles) addRelative(relativeTo(root, path), add, options, stats, path);
  if (images.size === 0) {
    throw new ImportFormatError('The YOLO folder names no images: it needs images/** files or an images.txt listing them.');
  }

  stats.passes++;
  for await (const file of open('labels')) {
    const name = relativeTo(root, normalise(file.name));
    if (!name.endsWith('.txt') || !inSegment(name, 'labels') || name.endsWith('/classes.txt')) continue;
    const image = images.get(name) ?? images.get(name.slice(name.indexOf('labels/')));
    // A label file too large to hold (past the tar reader's limit) comes without its body; its
    // rows were counted as it streamed past (`scanned`, see labelRowCounter) where the reader was
    // asked to. Never taken as empty: an uncounted file adds no count rather than a false 0.
    const rows = file.body ? labelRows(file.body.toString('utf8')).length : file.scanned;
    if (!image) {
      skip(stats, 'LABEL_FILE_WITHOUT_IMAGE', `${name}: no image for this label file (add it to images.txt or images/)${rows === undefined ? `; its ${file.size} bytes of boxes were not counted` : ''}`);
      if (rows !== undefined) skipBoxesOfImage(stats, rows);
      continue;
    }
    image.labeled = true;
    if (!file.body && file.size > 0) {
      skip(stats, 'LABEL_FILE_TOO_LARGE', `${name}: ${file.size} bytes, more than a label file may have here; its image is left out`, image.sourceRef);
      if (rows !== undefined) skipBoxesOfImage(stats, rows);
      continue;
    }
    const line = await imageLine(image, (file.body ?? Buffer.alloc(0)).toString('utf8'), name, names, options, stats);
    if (line) yield line;
  }
  for (const image of images.values()) {
    if (image.labeled) continue;
    stats.images++;
    yield manifestLine({ sourceRef: image.sourceRef, boxes: [], imageLabels: [] }, options.creationDate, JOB_NAME);
  }
}

function addRelative(path: string, add: (labelPath: string, image: ImageRef) => void, options: YoloImportOptions, stats: ImportStats, localPath?: string): void {
  const segments = path.split('/');
  const at = segments.lastIndexOf('images');
  const inside = at >= 0 ? segments.slice(at + 1).join('/') : path;
  const labelSegments = at >= 0 ? [...segments.slice(0, at), 'labels', ...segments.slice(at + 1)] : ['labels', ...segments];
  const labelPath = labelSegments.join('/').replace(/\.[^./]*$/, '') + '.txt';
  if (!options.images) {
    skip(stats, 'NO_IMAGE_LOCATION', `${path}: give the images' location (--images s3://bucket/prefix/) to import images named by relative paths`);
    return;
  }
  add(labelPath, { sourceRef: underPrefix(options.images, inside), localPath, labeled: false });
}

async function imageLine(
  image: ImageRef, text: string, name: string, names: readonly string[], options: YoloImportOptions, stats: ImportStats,
): Promise<string | undefined> {
  const rows = labelRows(text);
  let size: { width: number; height: number } | undefined;
  if (rows.length > 0) {
    size = await options.imageSize(image.sourceRef, image.localPath);
    if (!size) {
      skip(stats, 'IMAGE_SIZE_UNREADABLE', `${image.sourceRef}: its size could not be read (the image is missing or not a PNG or JPEG)`, image.sourceRef);
      skipBoxesOfImage(stats, rows.length);
      return undefined;
    }
  }
  const boxes: ImportBox[] = [];
  rows.forEach((row, i) => {
    const numbers = row.split(/\s+/).map(Number);
    const classId = numbers[0];
    const label = Number.isInteger(classId) ? names[classId] : undefined;
    const box = boundingBox(numbers.slice(1));
    if (label === undefined || !box || !size) {
      if (label === undefined) skip(stats, 'UNKNOWN_CATEGORY', `${name} line ${i + 1}: no class ${numbers[0]} in data.yaml`, image.sourceRef);
      else skip(stats, 'INVALID_BOX', `${name} line ${i + 1}: not "class cx cy w h"`, image.sourceRef);
      return;
    }
    const px = (v: number, side: number) => Math.round(v * side * 1e6) / 1e6;
    boxes.push({
      classId, label, left: px(box.cx - box.w / 2, size.width), top: px(box.cy - box.h / 2, size.height), width: px(box.w, size.width), height: px(box.h, size.height),
    });
  });
  stats.images++;
  stats.boxes += boxes.length;
  return manifestLine({ sourceRef: image.sourceRef, size, boxes, imageLabels: [] }, options.creationDate, JOB_NAME);
}

/** The box rows of a label file: its lines without blanks and # comments. */
function labelRows(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/** ASCII white space as `String.prototype.trim` and `\s` see it: tab, LF, VT, FF, CR, space. */
const ASCII_SPACE = new Uint8Array(128);
for (const byte of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) ASCII_SPACE[byte] = 1;
const NEWLINE = 0x0a;
const HASH = 0x23;
/** A character other than white space (as `trim` sees it). */
const NOT_SPACE = /\S/;

/**
 * Counts a label file's box rows as labelRows would, from its bytes as they stream past (for a
 * file too large to hold): memory is a few bytes of a split character, time linear. Byte by byte,
 * not on decoded text: a hostile file of blank lines (`\n` or `  \n`, millions of lines for a few
 * hundred bytes of gzip) costs a step per byte, and an ordinary row is decided by its first byte,
 * its rest skipped by indexOf. Non-ASCII white space (U+00A0, U+3000, a BOM ...: white space to
 * `trim`) is told by its bytes; only one split between two pieces is decoded, up to the line's
 * first other character.
 */
export function labelRowCounter(): TarScanner {
  let rows = 0;
  // The current line: whether its first character other than white space has been seen, and whether that was '#'.
  let started = false;
  let comment = false;
  // While the line's white space so far ends in non-ASCII bytes: they are decoded until a character is found.
  let decoding = false;
  // One decoder for the file: `decode()` without bytes ends (and forgets) what it was given.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const endLine = () => {
    if (decoding && NOT_SPACE.test(decoder.decode())) started = true; // a split character at the end is U+FFFD, a character
    if (started && !comment) rows++;
    started = false;
    comment = false;
    decoding = false;
  };
  const add = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length;) {
      if (started) {
        const end = bytes.indexOf(NEWLINE, at);
        if (end < 0) return;
        endLine();
        at = end + 1;
      } else if (decoding) {
        const end = bytes.indexOf(NEWLINE, at);
        // The first character other than white space decides the line (U+FFFD for broken UTF-8 is one).
        const found = NOT_SPACE.exec(decoder.decode(bytes.subarray(at, end < 0 ? bytes.length : end), { stream: true }));
        if (found) {
          started = true;
          comment = found[0] === '#';
          decoding = false;
          decoder.decode(); // forgets the rest of a split character after it
          continue; // the line is decided: the branch above finds its end
        }
        if (end < 0) return;
        endLine();
        at = end + 1;
      } else {
        // Nothing but white space yet: blank lines end here too (no row, nothing to reset), so
        // they cost a step a byte, not a line's bookkeeping.
        while (at < bytes.length && bytes[at] < 0x80 && ASCII_SPACE[bytes[at]]) at++;
        if (at === bytes.length) return;
        const byte = bytes[at];
        if (byte >= 0x80) {
          const space = nonAsciiSpace(bytes, at);
          if (space < 0) {
            decoding = true;
            continue;
          }
          if (space > 0) {
            at += space;
            continue;
          }
          // Any other character, or broken UTF-8 (read as U+FFFD): a row.
          started = true;
        } else {
          started = true;
          comment = byte === HASH;
        }
        at++;
      }
    }
  };
  return {
    add,
    result: () => {
      if (decoding && NOT_SPACE.test(decoder.decode())) started = true;
      return rows + (started && !comment ? 1 : 0);
    },
  };
}

/**
 * The length of the non-ASCII white space character (as `trim` and `\s` see it: U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) whose UTF-8 starts at `at`; 0 for
 * any other character (or broken UTF-8); -1 when the bytes end before the character does.
 */
function nonAsciiSpace(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  const length = first === 0xc2 ? 2 : first === 0xe1 || first === 0xe2 || first === 0xe3 || first === 0xef ? 3 : 0;
  if (length === 0) return 0;
  if (at + length > bytes.length) return -1;
  const [second, third] = [bytes[at + 1], bytes[at + 2]];
  const space = first === 0xc2 ? second === 0xa0
    : first === 0xe1 ? second === 0x9a && third === 0x80
      : first === 0xe2 ? (second === 0x80 && ((third >= 0x80 && third <= 0x8a) || third === 0xa8 || third === 0xa9 || third === 0xaf)) || (second === 0x81 && third === 0x9f)
        : first === 0xe3 ? second === 0x80 && third === 0x80
          : second === 0xbb && third === 0xbf;
  return space ? length : 0;
}

/** `cx cy w h`, or the bounds of a segmentation polygon `x1 y1 x2 y2 ...` (YOLO's seg format). */
function boundingBox(values: number[]): { cx: number; cy: number; w: number; h: number } | undefined {
  if (values.length < 4 || !values.every(Number.isFinite)) return undefined;
  if (values.length === 4) return { cx: values[0], cy: values[1], w: values[2], h: values[3] };
  if (values.length % 2 !== 0) return undefined;
  const xs = values.filter((_, i) => i % 2 === 0);
  const ys = values.filter((_, i) => i % 2 === 1);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0 };
}

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

function relativeTo(root: string, path: string): string {
  return root && path.startsWith(root) ? path.slice(root.length) : path;
}

function inSegment(path: string, segment: string): boolean {
  return path.split('/').slice(0, -1).includes(segment);
}

function depth(path: string): number {
  return path.split('/').length;
}
