import { describe, expect, it } from 'vitest';
import { boxCaption, boxKey, describePlace, explain, readEntry } from '../../../console/src/rekognition/entry-model.js';
import { addLineErrors } from '../../../src/domain/rekognition/manifest/add-line-errors.js';
import { LINE_ERRORS } from '../../../src/domain/rekognition/manifest/error-codes.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import type { ValidatedEntry } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { classificationLine, detectionLine } from '../../harness/rekognition.js';

/** The line exactly as Trove stores and lists it (the validator's own output). */
function stored(line: string): ValidatedEntry {
  const outcome = validateLine(line);
  if (outcome.kind !== 'entry') throw new Error(`dropped: ${outcome.message}`);
  return outcome.entry;
}

const SRC = 's3://bucket/flowers/tulip.png';

describe('readEntry: a listed line as the console draws it', () => {
  it('reads bounding boxes with their class-map names and the image size they are measured in', () => {
    const entry = readEntry(stored(detectionLine(SRC, [
      { label: 'tulip', left: 10, top: 20, width: 100, height: 80 },
      { label: 'rose', left: 200, top: 40, width: 60, height: 60 },
    ])).line);
    expect(entry.sourceRef).toBe(SRC);
    expect(entry.fileName).toBe('tulip.png');
    expect(entry.labeled).toBe(true);
    expect(entry.imageSize).toEqual({ width: 640, height: 480 });
    expect(entry.boxes.map((b) => [b.label, b.left, b.top, b.width, b.height, b.errors.length])).toEqual([
      ['tulip', 10, 20, 100, 80, 0],
      ['rose', 200, 40, 60, 60, 0],
    ]);
    expect(entry.imageLabels).toEqual([]);
    expect(entry.errors).toEqual([]);
  });

  it('reads image-level labels from class-name', () => {
    const entry = readEntry(stored(classificationLine(SRC, 'daisy')).line);
    expect(entry.imageLabels).toEqual([{ name: 'daisy', attribute: 'daisy', hasErrors: false }]);
    expect(entry.boxes).toEqual([]);
    expect(entry.imageSize).toBeUndefined();
  });

  it('puts a box error on that box only, with the words from Trove\'s error table', () => {
    const entry = readEntry(stored(detectionLine(SRC, [
      { label: 'tulip', left: 10, top: 20, width: 100, height: 80 },
      { label: 'tulip', left: 600, top: 40, width: 100, height: 60 }, // off the right edge of 640
    ])).line);
    expect(entry.boxes[0].errors).toEqual([]);
    expect(entry.boxes[1].errors.map((e) => e.code)).toEqual(['ERROR_INVALID_BOUNDING_BOX']);
    const [error] = entry.errors;
    expect(error.place).toEqual({ kind: 'box', attribute: 'bounding-box', index: 1 });
    expect(error.explanation).toBe(LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.explanation);
    expect(error.message).toBe(LINE_ERRORS.ERROR_INVALID_BOUNDING_BOX.message);
    expect(boxKey(error.place as { attribute: string; index: number })).toBe(boxKey(entry.boxes[1]));
    expect(describePlace(error.place, entry)).toBe('box 2 (tulip) of “bounding-box”');
  });

  it('marks every box of an attribute that is invalid as a whole', () => {
    const boxes = Array.from({ length: 51 }, (_, i) => ({ label: 'bee', left: i, top: 0, width: 5, height: 5 }));
    const entry = readEntry(stored(detectionLine(SRC, boxes)).line);
    expect(entry.errors.map((e) => [e.code, e.place.kind])).toContainEqual(['ERROR_TOO_MANY_BOUNDING_BOXES', 'attribute']);
    expect(entry.boxes).toHaveLength(51);
    expect(entry.boxes.every((b) => b.errors.some((e) => e.code === 'ERROR_TOO_MANY_BOUNDING_BOXES'))).toBe(true);
  });

  it('places metadata errors and the line-level errors that follow from them', () => {
    const line = JSON.parse(classificationLine(SRC, 'rose')) as Record<string, Record<string, unknown>>;
    line['rose-metadata']['type'] = 'groundtruth/something-else';
    const entry = readEntry(stored(JSON.stringify(line)).line);
    expect(entry.errors.map((e) => [e.code, e.place])).toEqual([
      ['ERROR_NO_VALID_LABEL_ATTRIBUTES', { kind: 'line' }],
      ['ERROR_UNSUPPORTED_USE_CASE_TYPE', { kind: 'metadata', attribute: 'rose' }],
    ]);
    expect(entry.imageLabels).toEqual([{ name: 'rose', attribute: 'rose', hasErrors: true }]);
    expect(describePlace(entry.errors[1].place, entry)).toBe('metadata of “rose”');
  });

  it('shows image errors added by the image checks at the line level, with Trove\'s reason', () => {
    const outcome = addLineErrors(stored(classificationLine(SRC, 'rose')), [{ code: 'ERROR_INVALID_IMAGE', detail: 'The object is a GIF image.' }]);
    if (outcome.kind !== 'entry') throw new Error('dropped');
    const entry = readEntry(outcome.entry.line);
    expect(entry.errors).toEqual([{
      code: 'ERROR_INVALID_IMAGE',
      message: `${LINE_ERRORS.ERROR_INVALID_IMAGE.message} The object is a GIF image.`,
      explanation: LINE_ERRORS.ERROR_INVALID_IMAGE.explanation,
      place: { kind: 'line' },
    }]);
  });

  it('reads an unlabeled image, and keeps codes it does not know without an explanation', () => {
    const entry = readEntry(stored(JSON.stringify({ 'source-ref': SRC })).line);
    expect(entry.labeled).toBe(false);
    expect(entry.errors).toEqual([]);
    const odd = readEntry(JSON.stringify({ 'source-ref': SRC, 'cl-errors': [{ code: 'ERROR_FROM_THE_FUTURE', message: 'new' }] }));
    expect(odd.errors[0]).toMatchObject({ code: 'ERROR_FROM_THE_FUTURE', message: 'new', explanation: undefined });
    expect(explain('ERROR_FROM_THE_FUTURE')).toBeUndefined();
    expect(explain('toString')).toBeUndefined();
  });

  it('never throws on a line that is not a JSON object', () => {
    expect(readEntry('not json').sourceRef).toBe('');
    expect(readEntry('[1,2]').errors).toEqual([]);
  });

  it('names a box whose class_id the class-map lacks by its real id, and reads each box\'s confidence', () => {
    const line = JSON.parse(detectionLine(SRC, [
      { label: 'car', left: 10, top: 20, width: 100, height: 80 }, { label: 'bus', left: 200, top: 40, width: 60, height: 60 },
    ]));
    line['bounding-box'].annotations[1].class_id = 42;
    line['bounding-box-metadata'].objects = [{ confidence: 0.87 }, {}];
    const entry = readEntry(JSON.stringify(line));
    expect(entry.boxes.map((b) => [b.label, b.classId, b.confidence, boxCaption(b)])).toEqual([
      ['car', '0', 0.87, 'car'],
      [undefined, '42', undefined, 'class 42 (not in class-map)'],
    ]);
  });
});

