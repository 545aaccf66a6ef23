// What an exported format can carry of a stored Rekognition entry: its image, the image's size,
// its image-level labels and its bounding boxes. Pure: one JSON.parse per line.

import { isObject } from '../rekognition/manifest/line-check.js';

export interface ExportBox {
  readonly label: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface EntryContent {
  readonly sourceRef: string;
  /** The image's size in pixels, from its first bounding-box attribute's `image_size` (absent without one). */
  readonly size?: { readonly width: number; readonly height: number };
  /** Labels of its image-level (classification) attributes, once each, in line order. */
  readonly imageLabels: readonly string[];
  /** Every box of its object-detection attributes that has numeric geometry and a name in the class-map. */
  readonly boxes: readonly ExportBox[];
}

const CLASSIFICATION = 'groundtruth/image-classification';
const DETECTION = 'groundtruth/object-detection';

/**
 * Reads a stored line (what ListDatasetEntries returns). Attributes are recognised by their
 * metadata's `type`, as the validator does; boxes keep their order. A box whose class_id the
 * class-map does not name has no label any format could carry, and is left out.
 */
export function entryContent(line: string): EntryContent {
  const parsed: unknown = JSON.parse(line);
  if (!isObject(parsed) || typeof parsed['source-ref'] !== 'string') throw new Error('not a stored entry line');
  const imageLabels: string[] = [];
  const boxes: ExportBox[] = [];
  let size: { width: number; height: number } | undefined;
  for (const [key, attribute] of Object.entries(parsed)) {
    const metadata = parsed[`${key}-metadata`];
    if (!isObject(metadata)) continue;
    if (metadata.type === CLASSIFICATION) {
      const name = metadata['class-name'];
      if (typeof name === 'string' && name !== '' && !imageLabels.includes(name)) imageLabels.push(name);
      continue;
    }
    if (metadata.type !== DETECTION || !isObject(attribute)) continue;
    const declared = Array.isArray(attribute.image_size) && isObject(attribute.image_size[0]) ? attribute.image_size[0] : undefined;
    if (!size && declared && isPositive(declared.width) && isPositive(declared.height)) size = { width: declared.width, height: declared.height };
    const classMap = isObject(metadata['class-map']) ? metadata['class-map'] : {};
    for (const annotation of Array.isArray(attribute.annotations) ? attribute.annotations : []) {
      if (!isObject(annotation)) continue;
      const { left, top, width, height } = annotation;
      const label = classMap[String(annotation.class_id)];
      if (typeof label !== 'string' || label === '' || !isNumber(left) || !isNumber(top) || !isNumber(width) || !isNumber(height)) continue;
      boxes.push({ label, left, top, width, height });
    }
  }
  return { sourceRef: parsed['source-ref'], ...(size ? { size } : {}), imageLabels, boxes };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isPositive(value: unknown): value is number {
  return isNumber(value) && value > 0;
}
