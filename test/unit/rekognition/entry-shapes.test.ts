import { describe, expect, it } from 'vitest';
import { boxesOf, describeChange } from '../../../src/domain/rekognition/history/entry-shapes.js';
import type { EntryRow } from '../../../src/store/records.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';

/** The row Trove stores for a manifest line. */
function row(value: Record<string, unknown>): EntryRow {
  const outcome = validateLine(JSON.stringify(value));
  if (outcome.kind !== 'entry') throw new Error('dropped');
  const { entry } = outcome;
  return { sourceRef: entry.sourceRef, line: entry.line, labels: entry.labels.map((l) => [l.name, l.boxes] as const), isLabeled: entry.isLabeled, hasErrors: entry.hasErrors };
}

const classification = (label: string) => ({
  'source-ref': 's3://bucket/a.jpg', [label]: 1,
  [`${label}-metadata`]: { confidence: 1, 'job-name': 'j', 'class-name': label, 'human-annotated': 'yes', 'creation-date': '2020-01-01T00:00:00', type: 'groundtruth/image-classification' },
});
const detection = (boxes: { id: number; left: number }[], classMap: Record<string, string>) => ({
  'source-ref': 's3://bucket/a.jpg',
  b: { image_size: [{ width: 640, height: 480, depth: 3 }], annotations: boxes.map((box) => ({ class_id: box.id, left: box.left, top: 5, width: 20, height: 20 })) },
  'b-metadata': {
    objects: boxes.map(() => ({ confidence: 1 })), 'class-map': classMap, type: 'groundtruth/object-detection',
    'human-annotated': 'yes', 'creation-date': '2020-01-01T00:00:00', 'job-name': 'j',
  },
});

describe('describeChange', () => {
  it('names the labels gained and lost', () => {
    expect(describeChange(row(classification('cat')), row(classification('dog')))).toEqual({
      labelsAdded: ['dog'], labelsRemoved: ['cat'], boxesAdded: [], boxesRemoved: [],
    });
  });

  it('compares boxes as a multiset: a moved box is one removed and one added; a repeated box counts twice', () => {
    const before = row(detection([{ id: 0, left: 1 }, { id: 0, left: 1 }, { id: 1, left: 9 }], { 0: 'cat', 1: 'dog' }));
    const after = row(detection([{ id: 0, left: 1 }, { id: 1, left: 50 }], { 0: 'cat', 1: 'dog' }));
    expect(describeChange(before, after)).toEqual({
      labelsAdded: [], labelsRemoved: [],
      boxesAdded: [{ label: 'dog', left: 50, top: 5, width: 20, height: 20 }],
      boxesRemoved: [{ label: 'cat', left: 1, top: 5, width: 20, height: 20 }, { label: 'dog', left: 9, top: 5, width: 20, height: 20 }],
    });
  });

  it('describes an added or removed entry by everything it has', () => {
    const only = row(detection([{ id: 0, left: 3 }], { 0: 'cat' }));
    expect(describeChange(undefined, only)).toMatchObject({ labelsAdded: ['cat'], boxesAdded: [{ label: 'cat', left: 3 }] });
    expect(describeChange(only, undefined)).toMatchObject({ labelsRemoved: ['cat'], boxesRemoved: [{ label: 'cat', left: 3 }] });
  });

  it('reads boxes whose class is missing from the class-map with a null label, and skips malformed ones', () => {
    const line = row(detection([{ id: 7, left: 3 }], { 0: 'cat' })).line;
    expect(boxesOf(line)).toEqual([{ label: null, left: 3, top: 5, width: 20, height: 20 }]);
    expect(boxesOf('{"source-ref":"s3://bucket/x.jpg","b":{"annotations":[{"left":"1"}]},"b-metadata":{"type":"groundtruth/object-detection"}}')).toEqual([]);
  });
});
