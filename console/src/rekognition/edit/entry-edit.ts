// Edits of one Ground Truth manifest line, as the console makes them: image-level labels added,
// removed and renamed; bounding boxes drawn, moved, resized, relabelled and deleted. Each edit
// returns a new line object and leaves everything it does not own as it was: unknown keys of
// the line, of an annotation and of a -metadata object, other label attributes, job names.
// Trove's service keys (cl-metadata, cl-errors) are removed: Trove recomputes them from the line
// (README "Entries and their errors"). Formats: the facts' §1.1 (classification) and §1.2
// (object detection). Pure: no DOM, no React.

export type Json = Record<string, unknown>;

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

const METADATA = '-metadata';
const ERRORS = 'cl-errors';
const CLASSIFICATION = 'groundtruth/image-classification';
const DETECTION = 'groundtruth/object-detection';
/** Ground Truth's job-name of labels made here (free text; AWS: optional). */
export const CONSOLE_JOB = 'labeling-job/trove-console';

/** The line as an object, without Trove's service keys. Throws for a line that is not a JSON object. */
export function editableLine(line: string): Json {
  const parsed: unknown = JSON.parse(line);
  if (!isObject(parsed)) throw new Error('The line is not a JSON object.');
  const copy = structuredClone(parsed);
  delete copy['cl-metadata'];
  delete copy[ERRORS];
  for (const key of Object.keys(copy)) {
    const value = copy[key];
    if (!isObject(value)) continue;
    delete value[ERRORS];
    if (Array.isArray(value['annotations'])) for (const annotation of value['annotations']) if (isObject(annotation)) delete annotation[ERRORS];
  }
  return copy;
}

/** The line as sent to UpdateDatasetEntries. */
export function lineText(line: Json): string {
  return JSON.stringify(line);
}

/**
 * The line Trove lists for `sent` (a line as `lineText` writes it, without service keys) when its
 * checks find nothing to report: the text as sent with `"cl-metadata":{"is_labeled":…}` added last
 * (src/domain/rekognition/manifest/validate-line.ts). A line with errors is listed with them
 * (`cl-errors`) instead: a version computed from this guess then fails the conditional check, and
 * the conflict answers the listed line, whose content is the one sent (`sameContent`).
 */
export function listedLine(sent: string): string {
  const line = editableLine(sent);
  return lineText({ ...line, 'cl-metadata': { is_labeled: labelAttributes(line).length > 0 } });
}

/** Whether two listed lines say the same, service keys aside (what Trove recomputes: cl-metadata, cl-errors). */
export function sameContent(a: string, b: string): boolean {
  return lineText(editableLine(a)) === lineText(editableLine(b));
}

/** A label attribute K (a key with a K-metadata sibling; not source-ref or a service key), Trove's and AWS's rule. */
function labelAttributes(line: Json): string[] {
  return Object.keys(line).filter((key) => key !== '' && key !== 'source-ref' && !key.startsWith('cl-') && !key.endsWith(METADATA) && Object.hasOwn(line, key + METADATA));
}

function isDetection(line: Json, attribute: string): boolean {
  const value = line[attribute];
  return isObject(value) && Array.isArray(value['annotations']);
}

/** The attributes that hold image-level labels, with their names (class-name, else the attribute). */
export function imageLabelAttributes(line: Json): { attribute: string; name: string }[] {
  return labelAttributes(line).filter((a) => !isDetection(line, a)).map((attribute) => {
    const metadata = line[attribute + METADATA];
    const name = isObject(metadata) && typeof metadata['class-name'] === 'string' ? metadata['class-name'] : attribute;
    return { attribute, name };
  });
}

/** Adds the image-level label `name` (nothing when the line has it already). */
export function addImageLabel(line: Json, name: string, now: Date): Json {
  if (imageLabelAttributes(line).some((label) => label.name === name)) return line;
  const next = structuredClone(line);
  const attribute = freeAttribute(next, /^[A-Za-z0-9_]{1,100}$/.test(name) ? name : 'label');
  next[attribute] = 1;
  next[attribute + METADATA] = {
    confidence: 1, 'job-name': CONSOLE_JOB, 'class-name': name, 'human-annotated': 'yes', 'creation-date': now.toISOString(), type: CLASSIFICATION,
  };
  return next;
}

/** Removes every image-level label called `name` (its attribute and -metadata); boxes are not labels of the image. */
export function removeImageLabel(line: Json, name: string): Json {
  const gone = imageLabelAttributes(line).filter((label) => label.name === name);
  if (gone.length === 0) return line;
  const next = structuredClone(line);
  for (const { attribute } of gone) {
    delete next[attribute];
    delete next[attribute + METADATA];
  }
  return next;
}

/** Gives the image-level label of `attribute` another name (e.g. one too long for Rekognition). */
export function renameImageLabel(line: Json, attribute: string, name: string): Json {
  const next = structuredClone(line);
  const metadata = next[attribute + METADATA];
  if (!isObject(metadata)) return line;
  metadata['class-name'] = name;
  return next;
}

/** The first bounding-box attribute: where new boxes go, and whose image_size the console draws in. */
export function detectionAttribute(line: Json): string | undefined {
  return labelAttributes(line).find((a) => isDetection(line, a));
}

/**
 * A box with label `name` at `rect` (image pixels, rounded to whole pixels as Ground Truth writes
 * them). A line without a bounding-box attribute gets one, `bounding-box`, with the image's size.
 */
export function addBox(line: Json, rect: Rect, name: string, imageSize: Size, now: Date): Json {
  const next = structuredClone(line);
  let attribute = detectionAttribute(next);
  if (attribute === undefined) {
    attribute = freeAttribute(next, 'bounding-box');
    next[attribute] = { image_size: [{ width: imageSize.width, height: imageSize.height, depth: 3 }], annotations: [] };
    next[attribute + METADATA] = {
      objects: [], 'class-map': {}, type: DETECTION, 'human-annotated': 'yes', 'creation-date': now.toISOString(), 'job-name': CONSOLE_JOB,
    };
  }
  const value = next[attribute] as Json;
  const metadata = ensureMetadata(next, attribute);
  const annotations = value['annotations'] as unknown[];
  const classId = classIdFor(metadata, annotations, name);
  const objects = Array.isArray(metadata['objects']) ? metadata['objects'] : (metadata['objects'] = []) as unknown[];
  // AWS: objects[i] is the confidence of annotations[i]; fill any gap so indexes stay matched.
  while (objects.length < annotations.length) objects.push({ confidence: 1 });
  annotations.push({ class_id: classId, ...whole(rect) });
  objects.splice(annotations.length - 1, 0, { confidence: 1 });
  return next;
}

/** Moves or resizes box `index` of `attribute`; the annotation's other keys stay. */
export function setBoxRect(line: Json, attribute: string, index: number, rect: Rect): Json {
  const next = structuredClone(line);
  const annotation = annotationAt(next, attribute, index);
  if (!annotation) return line;
  Object.assign(annotation, whole(rect));
  return next;
}

/**
 * Gives box `index` the label `name`: the class-map's id for that name, or a new id (one past the
 * highest in use) added to the class-map. Fixes a class_id missing from the class-map too.
 */
export function setBoxLabel(line: Json, attribute: string, index: number, name: string): Json {
  const next = structuredClone(line);
  const annotation = annotationAt(next, attribute, index);
  if (!annotation) return line;
  const metadata = ensureMetadata(next, attribute);
  annotation['class_id'] = classIdFor(metadata, (next[attribute] as Json)['annotations'] as unknown[], name);
  return next;
}

/** Removes box `index` and its confidence (objects[index]), keeping the others matched. */
export function deleteBox(line: Json, attribute: string, index: number): Json {
  const next = structuredClone(line);
  const value = next[attribute];
  if (!isObject(value) || !Array.isArray(value['annotations']) || index >= value['annotations'].length) return line;
  value['annotations'].splice(index, 1);
  const metadata = next[attribute + METADATA];
  if (isObject(metadata) && Array.isArray(metadata['objects']) && index < metadata['objects'].length) metadata['objects'].splice(index, 1);
  return next;
}

function annotationAt(line: Json, attribute: string, index: number): Json | undefined {
  const value = line[attribute];
  const annotation = isObject(value) && Array.isArray(value['annotations']) ? value['annotations'][index] : undefined;
  return isObject(annotation) ? annotation : undefined;
}

function ensureMetadata(line: Json, attribute: string): Json {
  const metadata = line[attribute + METADATA];
  if (isObject(metadata)) {
    if (!isObject(metadata['class-map'])) metadata['class-map'] = {};
    return metadata;
  }
  const created: Json = { objects: [], 'class-map': {}, type: DETECTION, 'human-annotated': 'yes', 'creation-date': new Date(0).toISOString(), 'job-name': CONSOLE_JOB };
  line[attribute + METADATA] = created;
  return created;
}

/** The class_id that names `name` in the class-map (added when missing): class-map keys are the string form of integer ids. */
function classIdFor(metadata: Json, annotations: readonly unknown[], name: string): number {
  const map = metadata['class-map'] as Json;
  for (const [key, value] of Object.entries(map)) if (value === name && /^(0|[1-9]\d*)$/.test(key)) return Number(key);
  const used = [
    ...Object.keys(map).filter((key) => /^\d+$/.test(key)).map(Number),
    ...annotations.map((a) => (isObject(a) && Number.isInteger(a['class_id']) ? (a['class_id'] as number) : -1)),
  ];
  const id = used.length === 0 ? 0 : Math.max(-1, ...used) + 1;
  map[String(id)] = name;
  return id;
}

/** `base`, or `base-2`, `base-3`...: a key the line does not use, with no -metadata key either. */
function freeAttribute(line: Json, base: string): string {
  for (let n = 1; ; n++) {
    const key = n === 1 ? base : `${base}-${n}`;
    if (!Object.hasOwn(line, key) && !Object.hasOwn(line, key + METADATA)) return key;
  }
}

function whole(rect: Rect): Rect {
  const left = Math.round(rect.left);
  const top = Math.round(rect.top);
  // Rounded edges, so a box keeps its right and bottom edge where they were drawn.
  return { left, top, width: Math.round(rect.left + rect.width) - left, height: Math.round(rect.top + rect.height) - top };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
