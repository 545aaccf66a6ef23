// One bounding-box (object detection) label attribute and its metadata
// (AWS: md-create-manifest-file-object-detection.md, md-create-manifest-file-validation-rules.md).

import {
  addError,
  addHoistedError,
  addLabel,
  hasNulCharacter,
  isHumanAnnotated,
  isLabelNameTooLong,
  isObject,
  type JsonObject,
  type LineCheck,
} from './line-check.js';

/** AWS: at most 50 bounding boxes per image. */
const MAX_BOXES = 50;
/** AWS: training scales an image down so its longer side is 1280 px; boxes must survive that. */
const TRAINING_LONG_SIDE = 1280;

interface ImageSize {
  width: number;
  height: number;
}

/** An annotation: an integer class_id and four numbers (AWS's own COCO converter writes float boxes). */
interface Box extends JsonObject {
  class_id: number;
  top: number;
  left: number;
  width: number;
  height: number;
}

/** Checks the pair, writes its errors, records its labels if valid, and says whether it is valid. */
export function checkDetectionPair(check: LineCheck, key: string, attribute: unknown, metadata: JsonObject): boolean {
  let valid = true;
  let target: JsonObject | undefined;
  let image: ImageSize | undefined;
  let boxes: Box[] | undefined;

  if (!isObject(attribute)) {
    // Trove: a non-object attribute cannot carry cl-errors, so the error goes to the top level.
    addHoistedError(check, 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', key);
    valid = false;
  } else {
    target = attribute;
    image = readImageSize(attribute['image_size']);
    boxes = readBoxes(attribute['annotations']);
    // Kept for the image checks, which compare it with the real image (ingest.ts).
    if (image !== undefined) check.imageSizes.push(image);
    // AWS: image_size is one {width, height, depth} of integers; annotations are boxes with an
    // integer class_id and numeric pixels (facts §8: the guide's COCO converter keeps COCO's float
    // bbox values, and the service creates the dataset from them).
    if (image === undefined || boxes === undefined) {
      addError(check, attribute, 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', key);
      valid = false;
    }
  }

  const objects = metadata['objects'];
  const classMap = metadata['class-map'];
  // AWS: objects, class-map, human-annotated and creation-date are required; job-name is optional.
  const metadataOk =
    Array.isArray(objects) &&
    isClassMap(classMap) &&
    isHumanAnnotated(metadata['human-annotated']) &&
    typeof metadata['creation-date'] === 'string';
  if (!metadataOk) {
    addError(check, metadata, 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT');
    valid = false;
  }

  // AWS: objects[i] holds the confidence of annotations[i]; each box needs one.
  if (Array.isArray(objects) && lacksConfidence(objects, boxes)) {
    addError(check, metadata, 'ERROR_MISSING_BOUNDING_BOX_CONFIDENCE');
    valid = false;
  }

  if (target === undefined || image === undefined || boxes === undefined) return false;

  // AWS: more than 50 boxes makes the whole attribute invalid; its boxes are not checked one by one.
  if (boxes.length > MAX_BOXES) {
    addError(check, target, 'ERROR_TOO_MANY_BOUNDING_BOXES');
    return false;
  }
  // Trove: without a usable class-map no box can be named, and the pair is already invalid.
  if (!isObject(classMap)) return false;

  const names: string[] = [];
  let validBoxes = 0;
  for (const box of boxes) {
    const before = check.errorCount;
    const name = checkBox(check, box, image, classMap);
    if (check.errorCount !== before) continue;
    validBoxes += 1;
    if (name !== undefined) names.push(name);
  }
  // AWS: boxes were given but none is usable. Zero boxes is a valid "nothing here" answer.
  if (boxes.length > 0 && validBoxes === 0) {
    addError(check, target, 'ERROR_NO_VALID_ANNOTATIONS');
    valid = false;
  }

  if (valid) for (const name of names) addLabel(check, name, 1);
  return valid;
}

/** Writes the box's own errors and returns its label name when the class-map has a string for it. */
function checkBox(check: LineCheck, box: Box, image: ImageSize, classMap: JsonObject): string | undefined {
  const classKey = String(box.class_id);
  // AWS: class-map is keyed by the string form of class_id.
  const hasName = Object.hasOwn(classMap, classKey);
  if (!hasName) addError(check, box, 'ERROR_MISSING_CLASS_MAP_ID');

  const { top, left, width, height } = box;
  // AWS: no negative values and no values off the frame.
  if (top < 0 || left < 0 || width < 0 || height < 0 || left + width > image.width || top + height > image.height) {
    addError(check, box, 'ERROR_INVALID_BOUNDING_BOX');
  }

  // AWS: a box must be larger than 1x1 px, also once the longer image side is scaled to 1280 px.
  // (side * 1280 / longer <= 1) without the division, so no rounding decides an integer box.
  const longer = Math.max(image.width, image.height);
  const tooSmallScaled = longer > TRAINING_LONG_SIDE && (width * TRAINING_LONG_SIDE <= longer || height * TRAINING_LONG_SIDE <= longer);
  if (width <= 1 || height <= 1 || tooSmallScaled) addError(check, box, 'ERROR_BOUNDING_BOX_TOO_SMALL');

  if (!hasName) return undefined;
  const name = classMap[classKey];
  if (typeof name !== 'string') return undefined; // already a metadata-format error
  // Trove: label names follow DatasetLabel (1..255); an empty name could never be listed or filtered.
  if (name.length === 0 || isLabelNameTooLong(name)) addError(check, box, 'ERROR_INVALID_LABEL_NAME_LENGTH');
  return name;
}

function readImageSize(value: unknown): ImageSize | undefined {
  if (!Array.isArray(value) || value.length !== 1) return undefined;
  const size: unknown = value[0];
  if (!isObject(size)) return undefined;
  const { width, height, depth } = size;
  if (!isPositiveInteger(width) || !isPositiveInteger(height) || !isPositiveInteger(depth)) return undefined;
  return { width, height };
}

function readBoxes(value: unknown): Box[] | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const item of value) if (!isBox(item)) return undefined;
  return value as Box[];
}

// AWS: the guide's COCO-to-manifest transform (md-transform-coco) copies COCO's float bbox values
// into left/top/width/height unrounded, and the guide creates datasets from its output: any finite
// number is a coordinate (negative ones are ERROR_INVALID_BOUNDING_BOX below). class_id is an integer.
function isBox(value: unknown): value is Box {
  return (
    isObject(value) &&
    Number.isInteger(value['class_id']) &&
    Number.isFinite(value['top']) &&
    Number.isFinite(value['left']) &&
    Number.isFinite(value['width']) &&
    Number.isFinite(value['height'])
  );
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

/** AWS: class-map maps the string form of each class_id to a label name. */
function isClassMap(value: unknown): value is JsonObject {
  if (!isObject(value)) return false;
  // Its values, not its keys: class ids are index-like keys, which a for-in turns into strings.
  for (const name of Object.values(value)) {
    if (typeof name !== 'string' || hasNulCharacter(name)) return false;
  }
  return true;
}

function lacksConfidence(objects: unknown[], boxes: Box[] | undefined): boolean {
  if (boxes !== undefined && objects.length < boxes.length) return true;
  for (const item of objects) if (!isObject(item) || typeof item['confidence'] !== 'number') return true;
  return false;
}
