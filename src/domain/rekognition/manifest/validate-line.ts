// Validates one SageMaker Ground Truth manifest line the way Custom Labels does when a dataset is
// created or updated, and produces the line Trove stores and returns from ListDatasetEntries.
// Pure: no I/O, one JSON.parse and one JSON.stringify per line. Duplicate source-refs are the
// caller's business (it sees the whole manifest).

import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../lib/json-depth.js';
import { dropMessage, type DropReason } from './error-codes.js';
import {
  addError,
  addHoistedError,
  addLineError,
  ERRORS_KEY,
  hasNulCharacter,
  isObject,
  newLineCheck,
  type JsonObject,
  type LineCheck,
} from './line-check.js';
import { checkClassificationPair } from './validate-classification.js';
import { checkDetectionPair } from './validate-detection.js';

export type { DropReason } from './error-codes.js';

export interface LabelUse {
  name: string;
  /** Valid boxes with this label on this image; 0 for an image-level label. */
  boxes: number;
}

export interface ValidatedEntry {
  sourceRef: string;
  /** The JSON text to store and return from ListDatasetEntries, with cl-metadata and cl-errors. */
  line: string;
  isLabeled: boolean;
  hasErrors: boolean;
  /** Distinct label names used by valid label attributes and annotations, sorted by name. */
  labels: LabelUse[];
  /**
   * The image_size each bounding-box attribute declares; absent when the line has none. The
   * image checks compare it with the real image (AWS: ERROR_INVALID_IMAGE_DIMENSION).
   */
  imageSizes?: { width: number; height: number }[];
  /** The codes of the errors written into the line (absent when it has none), for the metrics. */
  errorCodes?: readonly string[];
}

export type LineOutcome =
  | { kind: 'dropped'; reason: DropReason; message: string }
  | { kind: 'entry'; entry: ValidatedEntry };

export interface ValidateLineOptions {
  /** Longest line accepted, and longest stored line produced. Default 100000. */
  maxLineChars?: number;
}

/** AWS: a manifest line is at most 100,000 characters; DatasetEntry (the output shape) has the same max. */
export const MAX_LINE_CHARS = 100_000;

// AWS: source-ref is s3://bucket/key. Bucket 3..63 characters; uppercase and underscore are
// accepted because legacy us-east-1 buckets may contain them. The key must be non-empty.
const SOURCE_REF_FORMAT = /^s3:\/\/[A-Za-z0-9_][A-Za-z0-9_.-]{1,61}[A-Za-z0-9_]\/./s;

/** S3: an object key is at most 1,024 bytes of UTF-8, so no image can sit at a longer one. */
const MAX_KEY_BYTES = 1024;

/**
 * Trove: a key longer than S3 allows is a format error. Such an object cannot exist, and
 * PostgreSQL's B-tree indexes on source_ref refuse index rows over ~2.7 KB, so a longer one
 * would fail the whole change there instead of dropping its line. SOURCE_REF_FORMAT was matched
 * first, so the bucket part is ASCII and the key starts after the first '/' past "s3://".
 */
function keyTooLong(sourceRef: string): boolean {
  const keyStart = sourceRef.indexOf('/', 5) + 1;
  const keyChars = sourceRef.length - keyStart;
  // A UTF-16 unit is at most 3 bytes of UTF-8: short keys need no count.
  return keyChars * 3 > MAX_KEY_BYTES && utf8Bytes(sourceRef, keyStart) > MAX_KEY_BYTES;
}

/** Bytes of UTF-8 of `text` from `from` on, counted without encoding it (the console runs this code too: no Buffer). */
function utf8Bytes(text: string, from: number): number {
  let bytes = 0;
  for (let i = from; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A surrogate pair is 4 bytes, 2 per unit; a lone surrogate is written as U+FFFD, 3 bytes.
    const paired = unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (paired) {
      bytes += 4;
      i++;
    } else bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
  }
  return bytes;
}

const CLASSIFICATION_TYPE = 'groundtruth/image-classification';
// AWS: the guide's SageMaker multi-label transform (md-gt-cl-transform) keeps this type in every
// per-label attribute it writes and calls its output "the proper format accepted by Amazon
// Rekognition Custom Labels": an integer value and a class-name, i.e. image classification.
const MULTILABEL_CLASSIFICATION_TYPE = 'groundtruth/image-classification-multilabel';
const DETECTION_TYPE = 'groundtruth/object-detection';
const METADATA_SUFFIX = '-metadata';
const SERVICE_PREFIX = 'cl-';
const SERVICE_METADATA_KEY = 'cl-metadata';

/**
 * `parsed`, when given, must be what `JSON.parse(text)` returns, fresh (it is changed): a line
 * Trove has just written from known values (an import's converted line) is not parsed again.
 */
export function validateLine(text: string, options: ValidateLineOptions = {}, parsedText?: Record<string, unknown>): LineOutcome {
  const maxChars = options.maxLineChars ?? MAX_LINE_CHARS;

  // AWS: a line over 100,000 characters is a terminal content error; the line is dropped.
  if (text.length > maxChars) return drop('LINE_TOO_LONG', String(maxChars));

  let parsed: unknown = parsedText;
  if (parsed === undefined) {
    // Trove: a line nested deeper than any Ground Truth line is dropped before JSON.parse builds it.
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return drop('TOO_DEEP', String(MAX_JSON_DEPTH));
    try {
      parsed = JSON.parse(text);
    } catch {
      // AWS: invalid line content is a terminal content error for the dataset APIs.
      return drop('INVALID_JSON');
    }
  }
  // AWS: each line is one JSON object (DatasetEntry pattern ^\{.*\}$).
  if (!isObject(parsed)) return drop('NOT_AN_OBJECT');

  const sourceRef = parsed['source-ref'];
  // AWS: a missing source-ref drops the line. Trove: a non-string source-ref counts as missing.
  if (typeof sourceRef !== 'string') return drop('MISSING_SOURCE_REF');
  // AWS: source-ref must be s3://bucket/key; https:// and other forms drop the line.
  if (!SOURCE_REF_FORMAT.test(sourceRef) || hasNulCharacter(sourceRef) || keyTooLong(sourceRef)) return drop('INVALID_SOURCE_REF_FORMAT');

  // Trove: service-owned keys are recomputed, so a line copied from ListDatasetEntries can be sent back.
  let stripped = deleteKey(parsed, SERVICE_METADATA_KEY);
  stripped = deleteKey(parsed, ERRORS_KEY) || stripped;

  const check = newLineCheck();
  const pairs = findLabelAttributes(parsed);
  // AWS: a -metadata key without its attribute means the label attributes are missing or misnamed.
  // Trove: a line with neither attributes nor -metadata keys is simply an unlabeled image.
  if (pairs.length === 0 && hasMetadataKey(parsed)) addLineError(check, 'ERROR_NO_LABEL_ATTRIBUTES');

  let validPairs = 0;
  for (const key of pairs) {
    if (checkPair(check, key, parsed[key], parsed[metadataKeyOf(key)])) validPairs += 1;
  }
  // AWS: label attributes exist but none is in a supported, valid format.
  if (pairs.length > 0 && validPairs === 0) addLineError(check, 'ERROR_NO_VALID_LABEL_ATTRIBUTES');

  // AWS: an image with label attributes is labeled even when they are invalid (the docs' own
  // ERROR_UNSUPPORTED_USE_CASE_TYPE example line carries "cl-metadata":{"is_labeled":true}).
  const isLabeled = pairs.length > 0;
  // AWS: ListDatasetEntries lines carry "cl-metadata":{"is_labeled":…}, then the line's cl-errors.
  parsed[SERVICE_METADATA_KEY] = { is_labeled: isLabeled };
  if (check.lineErrors.length > 0) parsed[ERRORS_KEY] = check.lineErrors;

  let line: string;
  if (check.errorCount === 0 && !stripped && !check.stripped && isPlainObjectText(text)) {
    // The common case, a clean line: append cl-metadata to the text as sent instead of
    // serialising the parsed object again (the most expensive step of validation).
    line = `${text.slice(0, text.lastIndexOf('}'))},"${SERVICE_METADATA_KEY}":{"is_labeled":${isLabeled}}}`;
  } else {
    try {
      line = JSON.stringify(parsed);
    } catch {
      // Trove: JSON nested too deeply to serialise again (V8 stack limit) cannot be stored.
      return drop('INVALID_JSON');
    }
  }
  // Trove: a stored line must fit DatasetEntry (max 100,000) once its errors are added.
  if (line.length > maxChars) return drop('LINE_TOO_LONG', String(maxChars));

  const entry: ValidatedEntry = { sourceRef, line, isLabeled, hasErrors: check.errorCount > 0, labels: sortedLabels(check) };
  if (check.imageSizes.length > 0) entry.imageSizes = check.imageSizes;
  if (check.codes) entry.errorCodes = check.codes;
  return { kind: 'entry', entry };
}

export function drop(reason: DropReason, ...args: string[]): LineOutcome {
  return { kind: 'dropped', reason, message: dropMessage(reason, ...args) };
}

/**
 * AWS: a label attribute is a top-level key K with a K-metadata sibling. Trove: K must be
 * non-empty, not source-ref, not itself end in -metadata, and not a service key (cl-…).
 */
export function findLabelAttributes(line: JsonObject): string[] {
  const pairs: string[] = [];
  for (const key of Object.keys(line)) {
    if (
      key.length > 0 &&
      key !== 'source-ref' &&
      !key.endsWith(METADATA_SUFFIX) &&
      !key.startsWith(SERVICE_PREFIX) &&
      Object.hasOwn(line, metadataKeyOf(key))
    ) {
      pairs.push(key);
    }
  }
  return pairs;
}

let lastKey = '';
let lastMetadataKey = METADATA_SUFFIX;

/**
 * `key` + `-metadata`. Most lines of a manifest name the same attribute: the string made for the
 * last key is kept, so looking it up in each line's object does not hash a new string every time.
 */
export function metadataKeyOf(key: string): string {
  if (key !== lastKey) {
    lastKey = key;
    lastMetadataKey = key + METADATA_SUFFIX;
  }
  return lastMetadataKey;
}

/** With no pairs, any -metadata key (other than a service key) is an orphan. */
function hasMetadataKey(line: JsonObject): boolean {
  for (const key of Object.keys(line)) {
    if (key.endsWith(METADATA_SUFFIX) && !key.startsWith(SERVICE_PREFIX)) return true;
  }
  return false;
}

function checkPair(check: LineCheck, key: string, attribute: unknown, metadata: unknown): boolean {
  if (stripPairErrors(attribute, metadata)) check.stripped = true;
  const metadataKey = metadataKeyOf(key);
  // Trove: metadata that is not an object cannot carry cl-errors, so the error goes to the top level.
  if (!isObject(metadata)) {
    addHoistedError(check, 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', metadataKey);
    return false;
  }
  const type = metadata['type'];
  if (type === CLASSIFICATION_TYPE || type === MULTILABEL_CLASSIFICATION_TYPE) return checkClassificationPair(check, key, attribute, metadata);
  if (type === DETECTION_TYPE) return checkDetectionPair(check, key, attribute, metadata);
  // AWS: only the Ground Truth types above are supported; a missing type is unsupported too.
  addError(check, metadata, 'ERROR_UNSUPPORTED_USE_CASE_TYPE', metadataKey);
  return false;
}

/** Trove: cl-errors inside the attribute, its annotations and its metadata are Trove's own output. */
function stripPairErrors(attribute: unknown, metadata: unknown): boolean {
  let stripped = isObject(metadata) && deleteKey(metadata, ERRORS_KEY);
  if (!isObject(attribute)) return stripped;
  stripped = deleteKey(attribute, ERRORS_KEY) || stripped;
  const annotations = attribute['annotations'];
  if (!Array.isArray(annotations)) return stripped;
  for (const annotation of annotations) if (isObject(annotation)) stripped = deleteKey(annotation, ERRORS_KEY) || stripped;
  return stripped;
}

/** Deletes an own key; true when there was one. */
function deleteKey(target: JsonObject, key: string): boolean {
  if (!Object.hasOwn(target, key)) return false;
  delete target[key];
  return true;
}

/** Text that starts with `{` and ends with `}` (trailing spaces aside): safe to extend by splicing. */
function isPlainObjectText(text: string): boolean {
  if (text.charCodeAt(0) !== 0x7b) return false;
  let end = text.length - 1;
  while (end > 0 && (text.charCodeAt(end) === 0x20 || text.charCodeAt(end) === 0x09)) end--;
  return text.charCodeAt(end) === 0x7d && end === text.length - 1;
}

function sortedLabels(check: LineCheck): LabelUse[] {
  const labels: LabelUse[] = [];
  check.labels.forEach((boxes, name) => labels.push({ name, boxes }));
  if (labels.length < 2) return labels;
  // Code-unit order, not localeCompare: stable across machines and matches SQL BINARY collation.
  return labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
