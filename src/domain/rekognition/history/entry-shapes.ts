// What a diff says about one entry that changed: the labels it gained and lost (the labels
// Trove counts for it, as ListDatasetLabels does) and the bounding boxes added and removed.
// Pure: one JSON.parse per line.

import type { EntryRow } from '../../../store/records.js';
import { isObject } from '../manifest/line-check.js';

export interface Box {
  /** The box's label (its class_id through the class-map), null when the class-map lacks it. */
  label: string | null;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface EntryChange {
  labelsAdded: string[];
  labelsRemoved: string[];
  boxesAdded: Box[];
  boxesRemoved: Box[];
}

/** Labels and boxes `after` has that `before` had not, and the reverse; a side may be absent (added or removed entries). */
export function describeChange(before: EntryRow | undefined, after: EntryRow | undefined): EntryChange {
  const labelsBefore = new Set(before?.labels.map(([name]) => name));
  const labelsAfter = new Set(after?.labels.map(([name]) => name));
  const boxesBefore = before ? boxesOf(before.line) : [];
  const boxesAfter = after ? boxesOf(after.line) : [];
  return {
    labelsAdded: [...labelsAfter].filter((label) => !labelsBefore.has(label)),
    labelsRemoved: [...labelsBefore].filter((label) => !labelsAfter.has(label)),
    boxesAdded: missingFrom(boxesAfter, boxesBefore),
    boxesRemoved: missingFrom(boxesBefore, boxesAfter),
  };
}

/** Every box of a stored line: the annotations of its object-detection attributes, in order. */
export function boxesOf(line: string): Box[] {
  const parsed: unknown = JSON.parse(line);
  if (!isObject(parsed)) return [];
  const boxes: Box[] = [];
  for (const [key, attribute] of Object.entries(parsed)) {
    const metadata = parsed[`${key}-metadata`];
    if (!isObject(attribute) || !isObject(metadata) || metadata.type !== 'groundtruth/object-detection') continue;
    const classMap = isObject(metadata['class-map']) ? metadata['class-map'] : {};
    const annotations = Array.isArray(attribute.annotations) ? attribute.annotations : [];
    for (const annotation of annotations) {
      if (!isObject(annotation)) continue;
      const { left, top, width, height } = annotation;
      if (typeof left !== 'number' || typeof top !== 'number' || typeof width !== 'number' || typeof height !== 'number') continue;
      const name = classMap[String(annotation.class_id)];
      boxes.push({ label: typeof name === 'string' ? name : null, left, top, width, height });
    }
  }
  return boxes;
}

/** The boxes of `boxes` that `other` lacks, counting repeats (a multiset difference). */
function missingFrom(boxes: readonly Box[], other: readonly Box[]): Box[] {
  const remaining = new Map<string, number>();
  for (const box of other) remaining.set(keyOf(box), (remaining.get(keyOf(box)) ?? 0) + 1);
  return boxes.filter((box) => {
    const left = remaining.get(keyOf(box)) ?? 0;
    if (left > 0) remaining.set(keyOf(box), left - 1);
    return left === 0;
  });
}

function keyOf(box: Box): string {
  return JSON.stringify([box.label, box.left, box.top, box.width, box.height]);
}
