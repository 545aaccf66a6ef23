// Reads one ListDatasetEntries line (a Ground Truth manifest line plus Trove's cl-metadata and
// cl-errors) into what the console draws: image-level labels as tags, bounding boxes with their
// label names, and every error at the place it belongs (AWS: tm-debugging-scope-json-line.md:
// the line, a label attribute, its -metadata object, or one annotation). Pure: no DOM, no React.

import { LINE_ERRORS } from '../../../src/domain/rekognition/manifest/error-codes.js';
import type { LineErrorSpec } from '../../../src/domain/rekognition/manifest/error-codes.js';

type Json = Record<string, unknown>;

/** Where an error sits in the line. */
export type ErrorPlace =
  | { readonly kind: 'line' }
  | { readonly kind: 'attribute'; readonly attribute: string }
  | { readonly kind: 'metadata'; readonly attribute: string }
  | { readonly kind: 'box'; readonly attribute: string; readonly index: number };

export interface PlacedError {
  readonly code: string;
  /** The message stored in the line (AWS wording, plus Trove's reason for image errors). */
  readonly message: string;
  /** One plain sentence from Trove's error table; undefined for a code it does not know. */
  readonly explanation: string | undefined;
  readonly place: ErrorPlace;
}

export interface EntryBox {
  readonly attribute: string;
  /** Position in the attribute's `annotations`. */
  readonly index: number;
  /** The class-map name of the box's class_id, when there is one. */
  readonly label: string | undefined;
  /** The box's class_id as written (a number, or whatever the line has), shown when the class-map lacks it. */
  readonly classId: string;
  /** The box's confidence from the metadata's `objects[index]`, when given. */
  readonly confidence: number | undefined;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Errors of this box, and of its attribute when the whole attribute is invalid. */
  readonly errors: readonly PlacedError[];
}

export interface ImageLabel {
  readonly name: string;
  readonly attribute: string;
  readonly hasErrors: boolean;
}

export interface EntryModel {
  readonly sourceRef: string;
  /** The last path segment of the source-ref, for captions. */
  readonly fileName: string;
  readonly labeled: boolean;
  readonly imageLabels: readonly ImageLabel[];
  readonly boxes: readonly EntryBox[];
  /** The image size the boxes are measured in (the first bounding-box attribute's image_size). */
  readonly imageSize: { readonly width: number; readonly height: number } | undefined;
  /** Every error in the line, line-level ones first, then in attribute order. */
  readonly errors: readonly PlacedError[];
  /** The line as listed, for the raw view. */
  readonly line: string;
}

const ERRORS_KEY = 'cl-errors';
const METADATA_SUFFIX = '-metadata';

export function explain(code: string): string | undefined {
  const specs: Record<string, LineErrorSpec> = LINE_ERRORS;
  return Object.hasOwn(specs, code) ? specs[code].explanation : undefined;
}

/** The model of one listed line; a line that is not a JSON object (never listed by Trove) gives an empty model. */
export function readEntry(line: string): EntryModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  const object: Json = isObject(parsed) ? parsed : {};
  const sourceRef = typeof object['source-ref'] === 'string' ? object['source-ref'] : '';
  const errors: PlacedError[] = placed(object[ERRORS_KEY], { kind: 'line' });
  const imageLabels: ImageLabel[] = [];
  const boxes: EntryBox[] = [];
  let imageSize: EntryModel['imageSize'];

  for (const attribute of labelAttributes(object)) {
    const value = object[attribute];
    const metadata: Json = isObject(object[attribute + METADATA_SUFFIX]) ? (object[attribute + METADATA_SUFFIX] as Json) : {};
    const attributeErrors = isObject(value) ? placed(value[ERRORS_KEY], { kind: 'attribute', attribute }) : [];
    const metadataErrors = placed(metadata[ERRORS_KEY], { kind: 'metadata', attribute });
    errors.push(...attributeErrors, ...metadataErrors);
    const pairHasErrors = attributeErrors.length > 0 || metadataErrors.length > 0;

    if (isObject(value) && Array.isArray(value['annotations'])) {
      imageSize ??= readSize(value['image_size']);
      const classMap = isObject(metadata['class-map']) ? metadata['class-map'] : {};
      value['annotations'].forEach((annotation, index) => {
        if (!isObject(annotation)) return;
        const boxErrors = placed(annotation[ERRORS_KEY], { kind: 'box', attribute, index });
        errors.push(...boxErrors);
        const classId = annotation['class_id'] === undefined ? '(none)' : typeof annotation['class_id'] === 'string' ? annotation['class_id'] : JSON.stringify(annotation['class_id']);
        const name = Object.hasOwn(classMap, classId) ? classMap[classId] : undefined;
        const [left, top, width, height] = ['left', 'top', 'width', 'height'].map((k) => annotation[k]);
        if (![left, top, width, height].every((n) => typeof n === 'number' && Number.isFinite(n))) return;
        const object = Array.isArray(metadata['objects']) ? metadata['objects'][index] : undefined;
        const confidence = isObject(object) && typeof object['confidence'] === 'number' ? object['confidence'] : undefined;
        boxes.push({
          attribute, index, label: typeof name === 'string' ? name : undefined, classId, confidence,
          left: left as number, top: top as number, width: width as number, height: height as number,
          // A box of an attribute with errors of its own (e.g. more than 50 boxes) is not usable either.
          errors: [...boxErrors, ...attributeErrors],
        });
      });
    } else {
      const name = metadata['class-name'];
      imageLabels.push({ name: typeof name === 'string' ? name : attribute, attribute, hasErrors: pairHasErrors || lineNames(errors, attribute) });
    }
  }

  const metadata = object['cl-metadata'];
  const labeled = isObject(metadata) && typeof metadata['is_labeled'] === 'boolean' ? metadata['is_labeled'] : imageLabels.length + boxes.length > 0;
  return { sourceRef, fileName: sourceRef.slice(sourceRef.lastIndexOf('/') + 1) || sourceRef, labeled, imageLabels, boxes, imageSize, errors, line };
}

/** What a box is called: its class-map name, or its real class_id when the class-map has none. */
export function boxCaption(box: Pick<EntryBox, 'label' | 'classId'>): string {
  return box.label ?? `class ${box.classId} (not in class-map)`;
}

/** Words for where an error is, e.g. "box 2 (tulip) of bounding-box". */
export function describePlace(place: ErrorPlace, model: EntryModel): string {
  switch (place.kind) {
    case 'line':
      return 'the whole line';
    case 'attribute':
      return `label attribute “${place.attribute}”`;
    case 'metadata':
      return `metadata of “${place.attribute}”`;
    case 'box': {
      const box = model.boxes.find((b) => b.attribute === place.attribute && b.index === place.index);
      return `box ${place.index + 1}${box ? ` (${boxCaption(box)})` : ''} of “${place.attribute}”`;
    }
  }
}

/** Stable identity of a box, for linking an error to the box it outlines. */
export function boxKey(box: { attribute: string; index: number }): string {
  return `${box.attribute}#${box.index}`;
}

/** AWS: a label attribute is a key K with a K-metadata sibling; service keys (cl-…) and source-ref are not. */
function labelAttributes(object: Json): string[] {
  return Object.keys(object).filter((key) =>
    key !== 'source-ref' && !key.startsWith('cl-') && !key.endsWith(METADATA_SUFFIX) && key !== '' && Object.hasOwn(object, key + METADATA_SUFFIX));
}

/** A hoisted line-level error names its attribute in the message (Trove's hoistedLineErrorMessage). */
function lineNames(errors: readonly PlacedError[], attribute: string): boolean {
  return errors.some((e) => e.place.kind === 'line' && e.message.includes(` ${attribute} `));
}

function placed(value: unknown, place: ErrorPlace): PlacedError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((error) => {
    const code = typeof error['code'] === 'string' ? error['code'] : 'UNKNOWN';
    return { code, message: typeof error['message'] === 'string' ? error['message'] : '', explanation: explain(code), place };
  });
}

function readSize(value: unknown): EntryModel['imageSize'] {
  const size: unknown = Array.isArray(value) ? value[0] : undefined;
  if (!isObject(size)) return undefined;
  const { width, height } = size;
  return typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0 ? { width, height } : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
