import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  MAX_LINE_CHARS,
  validateLine,
  type LineOutcome,
  type ValidatedEntry,
} from '../../../src/domain/rekognition/manifest/validate-line.js';
import { DROP_REASONS, LINE_ERRORS } from '../../../src/domain/rekognition/manifest/error-codes.js';
import { cocoTransformLine, multilabelTransformLine } from '../../harness/aws-guide-lines.js';

type Json = Record<string, any>;

// ---- Example lines from the facts (sections 1.1, 1.2, 2.4) ----

const SUNRISE = `{"source-ref":"s3://bucket/images/sunrise.png","testdataset-classification_Sunrise":1,"testdataset-classification_Sunrise-metadata":{"confidence":1,"job-name":"labeling-job/testdataset-classification_Sunrise","class-name":"Sunrise","human-annotated":"yes","creation-date":"2020-03-06T17:46:39.176","type":"groundtruth/image-classification"}}`;

const SPURGE = `{"source-ref":"s3://custom-labels-console-us-east-1-111111111/assets/flowers_1_test_dataset/mediterranean_spurge4.jpg","mediterranean_spurge":1,"mediterranean_spurge-metadata":{"confidence":1,"job-name":"labeling-job/mediterranean_spurge","class-name":"mediterranean_spurge","human-annotated":"yes","creation-date":"2021-07-11T03:33:42.025Z","type":"groundtruth/image-classification"},"with_leaves":1,"with_leaves-metadata":{"confidence":1,"job-name":"labeling-job/with_leaves","class-name":"with_leaves","human-annotated":"yes","creation-date":"2021-07-11T03:33:42.025Z","type":"groundtruth/image-classification"}}`;

const CAMELLIA_OUTPUT = `{"source-ref":"s3://custom-labels-console-us-east-1-1111111111/assets/flowers_1_train_dataset/camellia4.jpg","camellia":1,"camellia-metadata":{"confidence":1,"job-name":"labeling-job/camellia","class-name":"camellia","human-annotated":"yes","creation-date":"2021-07-11T03:32:13.456Z","type":"groundtruth/image-classification"},"with_leaves":1,"with_leaves-metadata":{"confidence":1,"job-name":"labeling-job/with_leaves","class-name":"with_leaves","human-annotated":"yes","creation-date":"2021-07-11T03:32:13.456Z","type":"groundtruth/image-classification"},"cl-metadata":{"is_labeled":true}}`;

const IMG_1186 = `{"source-ref":"s3://custom-labels-bucket/images/IMG_1186.png","bounding-box":{"image_size":[{"width":640,"height":480,"depth":3}],"annotations":[{"class_id":1,"top":251,"left":399,"width":155,"height":101},{"class_id":0,"top":65,"left":86,"width":220,"height":334}]},"bounding-box-metadata":{"objects":[{"confidence":1},{"confidence":1}],"class-map":{"0":"Echo","1":"Echo Dot"},"type":"groundtruth/object-detection","human-annotated":"yes","creation-date":"2013-11-18T02:53:27","job-name":"my job"}}`;

const BB_WRONGTYPE_INPUT = `{"source-ref":"s3://bucket/test_normal_8.jpg","BB":{"annotations":[{"left":1768,"top":1007,"width":448,"height":295,"class_id":0}],"image_size":[{"width":4000,"height":2667,"depth":3}]},"BB-metadata":{"job-name":"labeling-job/BB","class-map":{"0":"comparator"},"human-annotated":"yes","objects":[{"confidence":1}],"creation-date":"2021-06-22T09:58:34.811Z","type":"groundtruth/wrongtype"}}`;

// The facts' own ListDatasetEntries-style output: an image with label attributes is labeled even when they are invalid.
const BB_WRONGTYPE_OUTPUT = `{"source-ref":"s3://bucket/test_normal_8.jpg","BB":{"annotations":[{"left":1768,"top":1007,"width":448,"height":295,"class_id":0}],"image_size":[{"width":4000,"height":2667,"depth":3}]},"BB-metadata":{"job-name":"labeling-job/BB","class-map":{"0":"comparator"},"human-annotated":"yes","objects":[{"confidence":1}],"creation-date":"2021-06-22T09:58:34.811Z","type":"groundtruth/wrongtype","cl-errors":[{"code":"ERROR_UNSUPPORTED_USE_CASE_TYPE","message":"The use case type of the BB-metadata label attribute metadata is unsupported. Check the type field."}]},"cl-metadata":{"is_labeled":true},"cl-errors":[{"code":"ERROR_NO_VALID_LABEL_ATTRIBUTES","message":"No valid label attributes found."}]}`;

const TOO_SMALL_INPUT = `{"source-ref":"s3://bucket/Manifests/images/199940-1791.jpg","bounding-box":{"image_size":[{"width":3000,"height":3000,"depth":3}],"annotations":[{"class_id":1,"top":0,"left":0,"width":1,"height":1},{"class_id":0,"top":65,"left":86,"width":220,"height":334}]},"bounding-box-metadata":{"objects":[{"confidence":1},{"confidence":1}],"class-map":{"0":"Echo","1":"Echo Dot"},"type":"groundtruth/object-detection","human-annotated":"yes","creation-date":"2019-11-20T02:57:28.288286","job-name":"my job"}}`;

// ---- Builders for variations ----

const SRC = 's3://bucket/images/a.jpg';

function classificationMeta(name: string, extra: Json = {}): Json {
  return {
    confidence: 1,
    'job-name': 'labeling-job/x',
    'class-name': name,
    'human-annotated': 'yes',
    'creation-date': '2021-07-11T03:33:42.025Z',
    type: 'groundtruth/image-classification',
    ...extra,
  };
}

interface BoxSpec {
  class_id: number;
  top: number;
  left: number;
  width: number;
  height: number;
}

function detection(boxes: BoxSpec[], opts: { width?: number; height?: number; classMap?: Json } = {}): Json {
  return {
    'source-ref': SRC,
    BB: { image_size: [{ width: opts.width ?? 640, height: opts.height ?? 480, depth: 3 }], annotations: boxes },
    'BB-metadata': {
      objects: boxes.map(() => ({ confidence: 1 })),
      'class-map': opts.classMap ?? { '0': 'Echo', '1': 'Echo Dot' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2013-11-18T02:53:27',
    },
  };
}

const box = (class_id: number, top = 10, left = 10, width = 50, height = 40): BoxSpec => ({ class_id, top, left, width, height });

function run(input: string | Json, options?: { maxLineChars?: number }): LineOutcome {
  return validateLine(typeof input === 'string' ? input : JSON.stringify(input), options);
}

function entryOf(input: string | Json): { entry: ValidatedEntry; out: Json } {
  const outcome = run(input);
  if (outcome.kind !== 'entry') throw new Error(`expected an entry, got ${JSON.stringify(outcome)}`);
  return { entry: outcome.entry, out: JSON.parse(outcome.entry.line) };
}

const codes = (holder: Json | undefined): string[] => (holder?.['cl-errors'] ?? []).map((e: Json) => e.code);

function expectDrop(input: string | Json, reason: keyof typeof DROP_REASONS): void {
  const outcome = run(input);
  expect(outcome.kind).toBe('dropped');
  if (outcome.kind === 'dropped') expect(outcome.reason).toBe(reason);
}

// ---- Rule 1: terminal errors ----

describe('validateLine: terminal errors drop the line', () => {
  it('drops a line longer than 100,000 characters', () => {
    const pad = 'x'.repeat(MAX_LINE_CHARS);
    const outcome = run(`{"source-ref":"${SRC}","pad":"${pad}"}`);
    expect(outcome).toEqual({
      kind: 'dropped',
      reason: 'LINE_TOO_LONG',
      message: 'The JSON Line is longer than the maximum of 100000 characters.',
    });
  });

  it('applies a custom maximum to the input line', () => {
    const base = JSON.stringify({ 'source-ref': SRC });
    const max = base.length + 40; // room for cl-metadata
    expect(run(base, { maxLineChars: base.length - 1 }).kind).toBe('dropped');
    expect(run(base, { maxLineChars: max }).kind).toBe('entry');
  });

  it('drops a line whose stored form (with its errors) would exceed the maximum', () => {
    const line = JSON.stringify({ 'source-ref': SRC, 'x-metadata': {} });
    const outcome = run(line, { maxLineChars: line.length + 10 });
    expect(outcome.kind === 'dropped' && outcome.reason).toBe('LINE_TOO_LONG');
  });

  it('drops unparseable JSON', () => {
    for (const text of ['{', '{"source-ref":"s3://b/k",}', 'hello', "{'source-ref':'s3://bkt/k'}", '']) {
      expect(run(text)).toEqual({ kind: 'dropped', reason: 'INVALID_JSON', message: 'The JSON Line has an invalid format.' });
    }
  });

  it('drops JSON that is not an object', () => {
    for (const text of ['[]', `[{"source-ref":"${SRC}"}]`, '1', '"s3://bucket/k"', 'null', 'true']) expectDrop(text, 'NOT_AN_OBJECT');
  });

  it('drops a missing or non-string source-ref', () => {
    expectDrop({}, 'MISSING_SOURCE_REF');
    expectDrop({ 'source_ref': SRC }, 'MISSING_SOURCE_REF');
    expectDrop({ 'source-ref': null }, 'MISSING_SOURCE_REF');
    expectDrop({ 'source-ref': ['s3://bucket/k'] }, 'MISSING_SOURCE_REF');
    expect(run({})).toMatchObject({ message: 'The source-ref key is missing.' });
  });

  it('drops a source-ref that is not s3://bucket/key', () => {
    for (const ref of [
      'https://bucket.s3.amazonaws.com/a.jpg',
      'S3://bucket/a.jpg',
      's3://bucket',
      's3://bucket/',
      's3:/bucket/a.jpg',
      's3://ab/a.jpg', // bucket too short
      `s3://${'b'.repeat(64)}/a.jpg`, // bucket too long
      's3://.bucket/a.jpg',
      's3://bucket-/a.jpg',
      's3://buck et/a.jpg',
      '',
      `s3://bucket/${'k'.repeat(1025)}`, // S3 keys are at most 1,024 bytes
      `s3://bucket/${'é'.repeat(513)}`, // 1,026 bytes of UTF-8 in 513 characters
      `s3://bucket/${'🐈'.repeat(256)}k`, // 1,025 bytes: 4 per cat
    ]) {
      expect(run({ 'source-ref': ref }), ref).toEqual({
        kind: 'dropped',
        reason: 'INVALID_SOURCE_REF_FORMAT',
        message: 'The format of the source-ref value is invalid.',
      });
    }
  });

  it('accepts modern and legacy bucket names and any non-empty key', () => {
    for (const ref of [
      's3://abc/k',
      `s3://${'b'.repeat(63)}/k`,
      's3://my.bucket-1/dir/sub/image 1.jpg',
      's3://Legacy_Bucket/a.jpg',
      's3://bucket/日本/🐈.png',
      's3://bucket//double',
      `s3://bucket/${'k'.repeat(1024)}`,
      `s3://bucket/${'é'.repeat(512)}`,
      `s3://bucket/${'🐈'.repeat(256)}`,
      `s3://bucket/${'日'.repeat(341)}k`, // 1,024 bytes: 3 per character
    ]) {
      expect(entryOf({ 'source-ref': ref }).entry.sourceRef).toBe(ref);
    }
  });

  it('has a message and explanation for every drop reason', () => {
    for (const spec of Object.values(DROP_REASONS)) {
      expect(spec.message.length).toBeGreaterThan(0);
      expect(spec.explanation.length).toBeGreaterThan(0);
    }
  });
});

// ---- Rules 2 and 3: service keys and finding label attributes ----

describe('validateLine: label attributes', () => {
  it('stores an image with no label attributes as unlabeled, without errors', () => {
    const { entry } = entryOf({ 'source-ref': SRC });
    expect(entry).toEqual({
      sourceRef: SRC,
      line: `{"source-ref":"${SRC}","cl-metadata":{"is_labeled":false}}`,
      isLabeled: false,
      hasErrors: false,
      labels: [],
    });
  });

  it('keeps other top-level keys untouched and ignores them, including an attribute without metadata', () => {
    const input = { note: 'hi', 'source-ref': SRC, sport: 1, extra: { a: [1, 2] }, 'cl-custom': 5 };
    const { entry, out } = entryOf(input);
    expect(entry.isLabeled).toBe(false);
    expect(entry.hasErrors).toBe(false);
    expect(out).toEqual({ ...input, 'cl-metadata': { is_labeled: false } });
    expect(Object.keys(out)).toEqual(['note', 'source-ref', 'sport', 'extra', 'cl-custom', 'cl-metadata']);
  });

  it('reports ERROR_NO_LABEL_ATTRIBUTES for a -metadata key without its attribute', () => {
    const { entry, out } = entryOf({ 'source-ref': SRC, 'sport-metadata': classificationMeta('football') });
    expect(codes(out)).toEqual(['ERROR_NO_LABEL_ATTRIBUTES']);
    expect(out['cl-errors'][0].message).toBe('No label attributes found.');
    expect(entry).toMatchObject({ isLabeled: false, hasErrors: true, labels: [] });
  });

  it('treats a wrongly named attribute as no label attributes', () => {
    const { out } = entryOf({ 'source-ref': SRC, sport0: 1, 'sport-metadata': classificationMeta('ball') });
    expect(codes(out)).toEqual(['ERROR_NO_LABEL_ATTRIBUTES']);
  });

  it('ignores an orphan -metadata key when a real pair exists', () => {
    const { entry, out } = entryOf({ 'source-ref': SRC, a: 1, 'a-metadata': classificationMeta('x'), 'b-metadata': 7 });
    expect(entry.hasErrors).toBe(false);
    expect(out['b-metadata']).toBe(7);
    expect(entry.labels).toEqual([{ name: 'x', boxes: 0 }]);
  });

  it('does not treat cl-… or source-ref as attributes or orphans', () => {
    const { entry } = entryOf({ 'source-ref': SRC, 'cl-x': 1, 'cl-x-metadata': classificationMeta('x') });
    expect(entry).toMatchObject({ isLabeled: false, hasErrors: false });
    const sr = entryOf({ 'source-ref': SRC, 'source-ref-metadata': classificationMeta('x') });
    expect(codes(sr.out)).toEqual(['ERROR_NO_LABEL_ATTRIBUTES']);
  });

  it('strips service-owned keys from the input and recomputes them', () => {
    const input = JSON.parse(SUNRISE);
    input['cl-metadata'] = { is_labeled: false, other: 1 };
    input['cl-errors'] = [{ code: 'ERROR_NO_VALID_LABEL_ATTRIBUTES', message: 'stale' }];
    input['testdataset-classification_Sunrise-metadata']['cl-errors'] = [{ code: 'X', message: 'stale' }];
    const { entry, out } = entryOf(input);
    expect(entry.hasErrors).toBe(false);
    expect(entry.line).toBe(SUNRISE.slice(0, -1) + ',"cl-metadata":{"is_labeled":true}}');
    expect(out['cl-errors']).toBeUndefined();
  });

  it('strips cl-errors inside detection attributes and annotations', () => {
    const input = JSON.parse(IMG_1186);
    input['bounding-box']['cl-errors'] = [{ code: 'X', message: 'stale' }];
    input['bounding-box'].annotations[0]['cl-errors'] = [{ code: 'X', message: 'stale' }];
    const { entry } = entryOf(input);
    expect(entry.hasErrors).toBe(false);
    expect(entry.line).toBe(IMG_1186.slice(0, -1) + ',"cl-metadata":{"is_labeled":true}}');
  });
});

// ---- Rule 4: metadata object and type ----

describe('validateLine: metadata and use case type', () => {
  it('reports a non-object metadata at the top level, naming the attribute', () => {
    for (const meta of ['x', 1, null, [classificationMeta('x')]]) {
      const { entry, out } = entryOf({ 'source-ref': SRC, sport: 1, 'sport-metadata': meta });
      expect(out['cl-errors']).toEqual([
        {
          code: 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT',
          message: 'The format of the sport-metadata label attribute metadata is invalid.',
        },
        { code: 'ERROR_NO_VALID_LABEL_ATTRIBUTES', message: 'No valid label attributes found.' },
      ]);
      expect(entry).toMatchObject({ isLabeled: true, hasErrors: true });
    }
  });

  it('reproduces the BB wrongtype example from the guide', () => {
    const { entry } = entryOf(BB_WRONGTYPE_INPUT);
    expect(entry.line).toBe(BB_WRONGTYPE_OUTPUT);
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: true, labels: [] });
  });

  it('treats a missing, unknown or differently cased type as unsupported', () => {
    for (const type of [undefined, 'groundtruth/image-classification-multi', 'GROUNDTRUTH/IMAGE-CLASSIFICATION']) {
      const { out } = entryOf({ 'source-ref': SRC, sport: 1, 'sport-metadata': classificationMeta('x', { type }) });
      expect(out['sport-metadata']['cl-errors']).toEqual([
        {
          code: 'ERROR_UNSUPPORTED_USE_CASE_TYPE',
          message: 'The use case type of the sport-metadata label attribute metadata is unsupported. Check the type field.',
        },
      ]);
      expect(codes(out)).toEqual(['ERROR_NO_VALID_LABEL_ATTRIBUTES']);
    }
  });
});

// ---- Rule 5: classification ----

describe('validateLine: classification', () => {
  it('accepts the single-label example', () => {
    const { entry } = entryOf(SUNRISE);
    expect(entry).toEqual({
      sourceRef: 's3://bucket/images/sunrise.png',
      line: SUNRISE.slice(0, -1) + ',"cl-metadata":{"is_labeled":true}}',
      isLabeled: true,
      hasErrors: false,
      labels: [{ name: 'Sunrise', boxes: 0 }],
    });
  });

  it('accepts the multi-label SDK example, labels sorted by name', () => {
    const { entry } = entryOf(SPURGE);
    expect(entry.labels).toEqual([
      { name: 'mediterranean_spurge', boxes: 0 },
      { name: 'with_leaves', boxes: 0 },
    ]);
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: false });
  });

  it('accepts the guide\'s multi-label transform output (type image-classification-multilabel) as classification', () => {
    const { entry, out } = entryOf(multilabelTransformLine());
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: false });
    expect(entry.labels).toEqual([{ name: 'bicycle', boxes: 0 }, { name: 'clothing', boxes: 0 }, { name: 'person', boxes: 0 }]);
    expect(out['cl-metadata']).toEqual({ is_labeled: true });
    // The same checks as image-classification: a list value (the raw SageMaker form) is not an attribute value.
    const raw = JSON.parse(multilabelTransformLine());
    raw['image-label-attribute-name0'] = [1, 0, 8];
    expect(codes(entryOf(raw).out)).toEqual(['ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT']);
  });

  it('returns the SDK ListDatasetEntries example line unchanged', () => {
    expect(entryOf(CAMELLIA_OUTPUT).entry.line).toBe(CAMELLIA_OUTPUT);
  });

  it('sorts labels by code unit and merges a label used twice', () => {
    const { entry } = entryOf({
      'source-ref': SRC,
      b: 1,
      'b-metadata': classificationMeta('ball'),
      a: 1,
      'a-metadata': classificationMeta('Zebra'),
      c: 1,
      'c-metadata': classificationMeta('ball'),
    });
    expect(entry.labels).toEqual([
      { name: 'Zebra', boxes: 0 },
      { name: 'ball', boxes: 0 },
    ]);
  });

  it('accepts any integer attribute value', () => {
    for (const value of [0, 1, -3, 1e3, 2.0]) {
      expect(entryOf({ 'source-ref': SRC, s: value, 's-metadata': classificationMeta('x') }).entry.hasErrors).toBe(false);
    }
  });

  it('reports a non-integer attribute at the top level', () => {
    for (const value of [1.5, '1', true, null, { a: 1 }, [1]]) {
      const { entry, out } = entryOf({ 'source-ref': SRC, sport: value, 'sport-metadata': classificationMeta('x') });
      expect(out['cl-errors'][0]).toEqual({
        code: 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT',
        message: 'The format of the label attribute sport is invalid.',
      });
      expect(codes(out)).toEqual(['ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', 'ERROR_NO_VALID_LABEL_ATTRIBUTES']);
      expect(entry.labels).toEqual([]);
    }
  });

  it('reports missing or wrong metadata fields inside the metadata', () => {
    const bad: Json[] = [
      { 'class-name': undefined },
      { 'class-name': '' },
      { 'class-name': 3 },
      { confidence: undefined },
      { confidence: 1.5 },
      { confidence: -0.1 },
      { confidence: '1' },
      { 'human-annotated': 'Yes' },
      { 'human-annotated': true },
      { 'human-annotated': undefined },
      { 'creation-date': 5 },
      { 'creation-date': undefined },
    ];
    for (const change of bad) {
      const { entry, out } = entryOf({ 'source-ref': SRC, s: 1, 's-metadata': classificationMeta('x', change) });
      expect(out['s-metadata']['cl-errors'], JSON.stringify(change)).toEqual([
        { code: 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', message: 'The format of the label attribute metadata is invalid.' },
      ]);
      expect(codes(out)).toEqual(['ERROR_NO_VALID_LABEL_ATTRIBUTES']);
      expect(entry).toMatchObject({ isLabeled: true, labels: [] });
    }
  });

  it('does not require job-name and accepts confidence 0 and human-annotated "no"', () => {
    const meta = classificationMeta('x', { 'job-name': undefined, confidence: 0, 'human-annotated': 'no' });
    expect(entryOf({ 'source-ref': SRC, s: 1, 's-metadata': meta }).entry.hasErrors).toBe(false);
  });

  it('limits class-name to 255 characters', () => {
    const ok = 'n'.repeat(255);
    expect(entryOf({ 'source-ref': SRC, s: 1, 's-metadata': classificationMeta(ok) }).entry.labels).toEqual([{ name: ok, boxes: 0 }]);
    const { entry, out } = entryOf({ 'source-ref': SRC, s: 1, 's-metadata': classificationMeta('n'.repeat(256)) });
    expect(codes(out['s-metadata'])).toEqual(['ERROR_INVALID_LABEL_NAME_LENGTH']);
    expect(entry).toMatchObject({ isLabeled: true, labels: [] });
  });

  it('keeps a line labeled when only one of its attributes is invalid', () => {
    const { entry, out } = entryOf({
      'source-ref': SRC,
      sport0: 1,
      'sport0-metadata': classificationMeta('football'),
      sport1: 1,
      'sport1-metadata': classificationMeta('ball', { confidence: 7 }),
    });
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: true, labels: [{ name: 'football', boxes: 0 }] });
    expect(out['cl-errors']).toBeUndefined();
    expect(codes(out['sport1-metadata'])).toEqual(['ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT']);
  });
});

// ---- Rule 6: object detection ----

describe('validateLine: object detection', () => {
  it('accepts the IMG_1186 example', () => {
    const { entry } = entryOf(IMG_1186);
    expect(entry).toEqual({
      sourceRef: 's3://custom-labels-bucket/images/IMG_1186.png',
      line: IMG_1186.slice(0, -1) + ',"cl-metadata":{"is_labeled":true}}',
      isLabeled: true,
      hasErrors: false,
      labels: [
        { name: 'Echo', boxes: 1 },
        { name: 'Echo Dot', boxes: 1 },
      ],
      // Kept for the image checks, which compare it with the real image.
      imageSizes: [{ width: 640, height: 480 }],
    });
  });

  it('reproduces the guide example of a too-small box, with cl-errors on the annotation', () => {
    const { entry, out } = entryOf(TOO_SMALL_INPUT);
    expect(out['bounding-box'].annotations[0]['cl-errors']).toEqual([
      { code: 'ERROR_BOUNDING_BOX_TOO_SMALL', message: 'The height and width of the bounding box is too small.' },
    ]);
    expect(out['bounding-box'].annotations[1]['cl-errors']).toBeUndefined();
    expect(Object.keys(out['bounding-box'].annotations[0])).toEqual(['class_id', 'top', 'left', 'width', 'height', 'cl-errors']);
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: true, labels: [{ name: 'Echo', boxes: 1 }] });
  });

  it('counts boxes per label', () => {
    const { entry } = entryOf(detection([box(0), box(1), box(0, 100, 100)]));
    expect(entry.labels).toEqual([
      { name: 'Echo', boxes: 2 },
      { name: 'Echo Dot', boxes: 1 },
    ]);
  });

  it('accepts float box coordinates, as AWS does for the output of its own COCO converter', () => {
    const line = detection([box(0)]);
    Object.assign(line['BB'].annotations[0], { top: 10.25, left: 20.5, width: 100.75, height: 50.125 });
    const { entry, out } = entryOf(line);
    expect(codes(out)).toEqual([]);
    expect(out['BB'].annotations[0]).toMatchObject({ top: 10.25, left: 20.5, width: 100.75, height: 50.125 });
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: false });
  });

  it('treats zero annotations as a valid, labeled answer with no labels', () => {
    const { entry } = entryOf(detection([]));
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: false, labels: [] });
  });

  it('reports a non-object attribute at the top level', () => {
    for (const value of [1, 'x', null, []]) {
      const line = detection([box(0)]);
      line['BB'] = value;
      const { out } = entryOf(line);
      expect(out['cl-errors']).toEqual([
        { code: 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', message: 'The format of the label attribute BB is invalid.' },
        { code: 'ERROR_NO_VALID_LABEL_ATTRIBUTES', message: 'No valid label attributes found.' },
      ]);
    }
  });

  it('reports a malformed image_size or annotations inside the attribute', () => {
    const mutations: Array<(bb: Json) => void> = [
      (bb) => delete bb.image_size,
      (bb) => (bb.image_size = { width: 640, height: 480, depth: 3 }),
      (bb) => (bb.image_size = []),
      (bb) => bb.image_size.push({ width: 640, height: 480, depth: 3 }),
      (bb) => (bb.image_size[0].width = 0),
      (bb) => (bb.image_size[0].height = 480.5),
      (bb) => delete bb.image_size[0].depth,
      (bb) => (bb.image_size[0] = 640),
      (bb) => delete bb.annotations,
      (bb) => (bb.annotations = {}),
      (bb) => (bb.annotations = [1]),
      (bb) => delete bb.annotations[0].class_id,
      (bb) => (bb.annotations[0].top = null),
      (bb) => (bb.annotations[0].class_id = 0.5),
      (bb) => (bb.annotations[0].width = '50'),
    ];
    for (const mutate of mutations) {
      const line = detection([box(0)]);
      mutate(line['BB']);
      const { entry, out } = entryOf(line);
      expect(out['BB']['cl-errors'], mutate.toString()).toEqual([
        { code: 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', message: 'The format of the label attribute BB is invalid.' },
      ]);
      expect(codes(out)).toEqual(['ERROR_NO_VALID_LABEL_ATTRIBUTES']);
      expect(entry).toMatchObject({ isLabeled: true, labels: [] });
    }
  });

  it('reports malformed detection metadata inside the metadata', () => {
    const mutations: Array<(meta: Json) => void> = [
      (m) => delete m.objects,
      (m) => (m.objects = {}),
      (m) => delete m['class-map'],
      (m) => (m['class-map'] = ['Echo']),
      (m) => (m['class-map'] = { '0': 5 }),
      (m) => (m['human-annotated'] = 'maybe'),
      (m) => delete m['creation-date'],
    ];
    for (const mutate of mutations) {
      const line = detection([box(0)]);
      mutate(line['BB-metadata']);
      const { entry, out } = entryOf(line);
      expect(codes(out['BB-metadata']), mutate.toString()).toEqual(['ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT']);
      expect(codes(out)).toEqual(['ERROR_NO_VALID_LABEL_ATTRIBUTES']);
      expect(entry).toMatchObject({ isLabeled: true, labels: [] });
    }
  });

  it('allows 50 boxes and rejects 51 as a whole attribute, without checking each box', () => {
    const fifty = Array.from({ length: 50 }, () => box(0));
    expect(entryOf(detection(fifty)).entry.labels).toEqual([{ name: 'Echo', boxes: 50 }]);
    const fiftyOne = [...Array.from({ length: 50 }, () => box(0)), box(9, -1)];
    const { entry, out } = entryOf(detection(fiftyOne));
    expect(codes(out['BB'])).toEqual(['ERROR_TOO_MANY_BOUNDING_BOXES']);
    expect(out['BB'].annotations.every((a: Json) => a['cl-errors'] === undefined)).toBe(true);
    expect(codes(out)).toEqual(['ERROR_NO_VALID_LABEL_ATTRIBUTES']);
    expect(entry).toMatchObject({ isLabeled: true, labels: [] });
  });

  it('requires a numeric confidence for every box', () => {
    const short = detection([box(0), box(1)]);
    short['BB-metadata'].objects.pop();
    const noConfidence = detection([box(0), box(1)]);
    noConfidence['BB-metadata'].objects[1] = {};
    const stringConfidence = detection([box(0)]);
    stringConfidence['BB-metadata'].objects[0] = { confidence: '1' };
    for (const line of [short, noConfidence, stringConfidence]) {
      const { entry, out } = entryOf(line);
      expect(out['BB-metadata']['cl-errors']).toEqual([
        { code: 'ERROR_MISSING_BOUNDING_BOX_CONFIDENCE', message: 'One or more bounding boxes has a missing confidence value.' },
      ]);
      expect(entry).toMatchObject({ isLabeled: true, labels: [] });
    }
  });

  it('reports a class_id missing from the class-map on that box only', () => {
    const { entry, out } = entryOf(detection([box(0), box(7)]));
    expect(out['BB'].annotations[1]['cl-errors']).toEqual([
      { code: 'ERROR_MISSING_CLASS_MAP_ID', message: 'One of more class ids is missing from the class map.' },
    ]);
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: true, labels: [{ name: 'Echo', boxes: 1 }] });
  });

  it('reports off-frame boxes and accepts a box touching the edges', () => {
    const offFrame = [box(0, -1), box(0, 10, -1), box(0, 10, 10, -5), box(0, 10, 10, 50, -5), box(0, 10, 600, 41), box(0, 441, 10, 50, 40)];
    for (const b of offFrame) {
      const { out } = entryOf(detection([b, box(1)]));
      expect(codes(out['BB'].annotations[0]), JSON.stringify(b)).toContain('ERROR_INVALID_BOUNDING_BOX');
    }
    const { entry } = entryOf(detection([box(0, 0, 0, 640, 480), box(1, 440, 600, 40, 40)]));
    expect(entry.hasErrors).toBe(false);
  });

  it('reports boxes of 1 px or less, also after scaling the longer side to 1280 px', () => {
    const small = (b: BoxSpec, size: { width: number; height: number }) =>
      codes(entryOf(detection([b, box(1)], size)).out['BB'].annotations[0]);
    const vga = { width: 640, height: 480 };
    expect(small(box(0, 10, 10, 1, 40), vga)).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL']);
    expect(small(box(0, 10, 10, 40, 0), vga)).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL']);
    expect(small(box(0, 10, 10, 2, 2), vga)).toEqual([]);
    // 2560 px longer side halves every box: 2 px becomes 1 px (too small), 3 px becomes 1.5 px.
    const wide = { width: 2560, height: 1000 };
    expect(small(box(0, 10, 10, 2, 40), wide)).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL']);
    expect(small(box(0, 10, 10, 40, 2), wide)).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL']);
    expect(small(box(0, 10, 10, 3, 3), wide)).toEqual([]);
    // At exactly 1280 px nothing is scaled.
    expect(small(box(0, 10, 10, 2, 2), { width: 1280, height: 720 })).toEqual([]);
    // 3840 px: 3 px scales to exactly 1 px (too small) with no floating-point doubt.
    expect(small(box(0, 10, 10, 3, 40), { width: 3840, height: 2160 })).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL']);
  });

  it('accepts the COCO transform\'s unrounded float coordinates, and checks them like integers', () => {
    expect(entryOf(cocoTransformLine()).entry).toMatchObject({ hasErrors: false, labels: [{ name: 'echo', boxes: 1 }] });
    // The guide's COCO example annotation bbox [19.23, 383.18, 314.5, 244.46] on a 426 x 640 image.
    const { entry, out } = entryOf(detection([box(0, 383.18, 19.23, 314.5, 244.46)], { width: 426, height: 640 }));
    expect(entry).toMatchObject({ hasErrors: false, labels: [{ name: 'Echo', boxes: 1 }] });
    expect(out['BB'].annotations[0]).toEqual({ class_id: 0, top: 383.18, left: 19.23, width: 314.5, height: 244.46 });
    const problems = (b: BoxSpec) => codes(entryOf(detection([b, box(1)])).out['BB'].annotations[0]);
    expect(problems(box(0, 10, 600.5, 40, 40))).toEqual(['ERROR_INVALID_BOUNDING_BOX']);
    expect(problems(box(0, -0.5, 10, 40, 40))).toEqual(['ERROR_INVALID_BOUNDING_BOX']);
    expect(problems(box(0, 10, 10, 0.9, 40))).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL']);
    expect(problems(box(0, 10, 10, 1.5, 1.5))).toEqual([]);
  });

  it('reports both problems of a negative-size box', () => {
    const { out } = entryOf(detection([box(0, 10, 10, -3, 40), box(1)]));
    expect(codes(out['BB'].annotations[0])).toEqual(['ERROR_INVALID_BOUNDING_BOX', 'ERROR_BOUNDING_BOX_TOO_SMALL']);
  });

  it('limits class-map label names to 1..255 characters, per box', () => {
    const long = 'L'.repeat(256);
    const { entry, out } = entryOf(detection([box(0), box(1), box(2)], { classMap: { '0': long, '1': 'ok', '2': '' } }));
    expect(codes(out['BB'].annotations[0])).toEqual(['ERROR_INVALID_LABEL_NAME_LENGTH']);
    expect(codes(out['BB'].annotations[2])).toEqual(['ERROR_INVALID_LABEL_NAME_LENGTH']);
    expect(entry.labels).toEqual([{ name: 'ok', boxes: 1 }]);
  });

  it('reports ERROR_NO_VALID_ANNOTATIONS when every box is invalid', () => {
    const { entry, out } = entryOf(detection([box(5), box(0, -1)]));
    expect(codes(out['BB'])).toEqual(['ERROR_NO_VALID_ANNOTATIONS']);
    expect(out['BB']['cl-errors'][0].message).toBe('No valid annotations found.');
    expect(codes(out)).toEqual(['ERROR_NO_VALID_LABEL_ATTRIBUTES']);
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: true, labels: [] });
  });
});

// ---- Rules 7–9: combining pairs and the stored line ----

describe('validateLine: combined result and stored line', () => {
  it('merges classification and detection labels on one image', () => {
    const line = detection([box(0), box(0)]);
    line['kind'] = 1;
    line['kind-metadata'] = classificationMeta('Echo');
    line['room'] = 1;
    line['room-metadata'] = classificationMeta('Kitchen');
    const { entry } = entryOf(line);
    expect(entry.labels).toEqual([
      { name: 'Echo', boxes: 2 },
      { name: 'Kitchen', boxes: 0 },
    ]);
  });

  it('keeps a line labeled by its valid classification when its detection attribute is invalid', () => {
    const line = detection([box(0)]);
    line['BB-metadata'].type = 'groundtruth/wrongtype';
    line['room'] = 1;
    line['room-metadata'] = classificationMeta('Kitchen');
    const { entry, out } = entryOf(line);
    expect(entry).toMatchObject({ isLabeled: true, hasErrors: true, labels: [{ name: 'Kitchen', boxes: 0 }] });
    expect(out['cl-errors']).toBeUndefined();
  });

  it('keeps the user key order and appends cl-metadata, then cl-errors', () => {
    const text = `{"z":1,"source-ref":"${SRC}","a-metadata":{"type":"x"},"a":"bad","m":[]}`;
    const { entry } = entryOf(text);
    expect(entry.line).toBe(
      `{"z":1,"source-ref":"${SRC}","a-metadata":{"type":"x","cl-errors":[{"code":"ERROR_UNSUPPORTED_USE_CASE_TYPE","message":"The use case type of the a-metadata label attribute metadata is unsupported. Check the type field."}]},"a":"bad","m":[],"cl-metadata":{"is_labeled":true},"cl-errors":[{"code":"ERROR_NO_VALID_LABEL_ATTRIBUTES","message":"No valid label attributes found."}]}`,
    );
  });

  it('accepts surrounding whitespace and keeps a literal $& in names', () => {
    const { out } = entryOf(`  {"source-ref":"${SRC}","$&":1,"$&-metadata":5}  `);
    expect(out['cl-errors'][0].message).toBe('The format of the $&-metadata label attribute metadata is invalid.');
  });

  it('sets hasErrors exactly when the stored line has cl-errors somewhere', () => {
    for (const text of [SUNRISE, SPURGE, IMG_1186, BB_WRONGTYPE_INPUT, TOO_SMALL_INPUT]) {
      const { entry } = entryOf(text);
      expect(entry.hasErrors).toBe(entry.line.includes('"cl-errors"'));
    }
  });
});

describe('validateLine: round trip', () => {
  const lines: Array<string | Json> = [
    SUNRISE,
    SPURGE,
    CAMELLIA_OUTPUT,
    IMG_1186,
    BB_WRONGTYPE_INPUT,
    BB_WRONGTYPE_OUTPUT,
    TOO_SMALL_INPUT,
    { 'source-ref': SRC },
    { 'source-ref': SRC, 'x-metadata': {} },
    detection([box(5), box(0, -1)]),
    detection(Array.from({ length: 51 }, () => box(0))),
    { 'source-ref': SRC, sport: 1.5, 'sport-metadata': 'x' },
  ];

  it('gives the same outcome when a stored line is sent back', () => {
    for (const input of lines) {
      const first = run(input);
      if (first.kind !== 'entry') throw new Error('expected entry');
      expect(run(first.entry.line)).toEqual(first);
    }
  });
});

// ---- Properties ----

function expectWellFormed(outcome: LineOutcome, maxChars = MAX_LINE_CHARS): void {
  if (outcome.kind === 'dropped') {
    expect(Object.keys(DROP_REASONS)).toContain(outcome.reason);
    expect(outcome.message.length).toBeGreaterThan(0);
    return;
  }
  const { entry } = outcome;
  expect(entry.line.length).toBeLessThanOrEqual(maxChars);
  const out = JSON.parse(entry.line);
  expect(typeof out).toBe('object');
  expect(Array.isArray(out)).toBe(false);
  expect(out['source-ref']).toBe(entry.sourceRef);
  expect(out['cl-metadata']).toEqual({ is_labeled: entry.isLabeled });
  expect(entry.hasErrors).toBe(entry.line.includes('"cl-errors":[{"code":"ERROR_'));
  const names = entry.labels.map((l) => l.name);
  expect([...names].sort()).toEqual(names);
  expect(new Set(names).size).toBe(names.length);
  for (const label of entry.labels) expect(label.name.length).toBeGreaterThanOrEqual(1);
  for (const label of entry.labels) expect(label.name.length).toBeLessThanOrEqual(255);
}

// Manifest-like lines: mostly well-formed values with an occasional wrong one, so the property
// reaches labeled entries, per-box errors and every hoisting path, not only early failures.
const jsonScalar = fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.string());
const fieldValue = fc.oneof(jsonScalar, fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: fieldValue, weight: 1 });
const staleErrors = fc.option(fc.constant([{ code: 'STALE', message: 'stale' }]), { nil: undefined, freq: 4 });
const creationDate = fc.constant('2021-01-01T00:00:00Z');
const humanAnnotated = fc.constantFrom('yes', 'no');
const labelName = fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 20 }), weight: 10 }, { arbitrary: fc.string({ maxLength: 300 }), weight: 1 });

const arbDetection = fc
  .record({
    width: fc.integer({ min: 1, max: 4000 }),
    height: fc.integer({ min: 1, max: 4000 }),
    boxes: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: -2, max: 5 })), { maxLength: 53 }),
    names: fc.array(labelName, { minLength: 3, maxLength: 3 }),
    dropObject: fc.boolean(),
  })
  .chain(({ width, height, boxes, names, dropObject }) => {
    const annotations = boxes.map(([class_id, a, b, c, d, nudge]) => {
      const left = a % width;
      const top = b % height;
      return { class_id, top, left, width: (c % (width - left + 1)) + nudge, height: (d % (height - top + 1)) + nudge, 'cl-errors': nudge === 5 ? [{ code: 'STALE', message: 'stale' }] : undefined };
    });
    const objects = annotations.map(() => ({ confidence: 1 }));
    if (dropObject && objects.length > 0 && boxes.length % 7 === 0) objects.pop();
    return fc.record({
      attribute: mostly(
        fc.record({
          image_size: mostly(fc.constant([{ width, height, depth: 3 }])),
          annotations: mostly(fc.constant(annotations)),
          'cl-errors': staleErrors,
        }),
      ),
      metadata: mostly(
        fc.record({
          objects: mostly(fc.constant(objects)),
          'class-map': mostly(fc.constant({ '0': names[0], '1': names[1], '2': names[2] })),
          type: mostly(fc.constant('groundtruth/object-detection')),
          'human-annotated': mostly(humanAnnotated),
          'creation-date': mostly(creationDate),
          'cl-errors': staleErrors,
        }),
      ),
    });
  });

const arbClassification = fc.record({
  attribute: mostly(fc.integer()),
  metadata: mostly(
    fc.record({
      'class-name': mostly(labelName),
      confidence: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
      type: mostly(fc.constant('groundtruth/image-classification')),
      'human-annotated': mostly(humanAnnotated),
      'creation-date': mostly(creationDate),
      'cl-errors': staleErrors,
    }),
  ),
});

const arbLine = fc
  .record({
    pairs: fc.array(
      fc.tuple(fc.constantFrom('a', 'b', 'bounding-box', 'cl-x', 'source-ref', ''), fc.oneof(arbDetection, arbClassification), fc.boolean()),
      { maxLength: 4 },
    ),
    extra: fc.dictionary(fc.string({ maxLength: 12 }), fieldValue, { maxKeys: 3 }),
    service: fc.option(fc.record({ 'cl-metadata': fieldValue, 'cl-errors': fieldValue }), { nil: undefined }),
  })
  .map(({ pairs, extra, service }) => {
    const line: Json = { ...extra, 'source-ref': SRC, ...service };
    for (const [key, pair, withAttribute] of pairs) {
      // Usually a proper pair; sometimes only the -metadata key (an orphan).
      if (withAttribute || key === 'a') line[key] = pair.attribute;
      line[`${key}-metadata`] = pair.metadata;
    }
    line['source-ref'] = SRC;
    return JSON.stringify(line);
  });

describe('validateLine: properties', () => {
  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        expectWellFormed(validateLine(text));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any JSON object with a valid source-ref, and round-trips', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (obj) => {
        const outcome = validateLine(JSON.stringify({ ...obj, 'source-ref': SRC }));
        expectWellFormed(outcome);
        if (outcome.kind === 'entry') expect(validateLine(outcome.entry.line)).toEqual(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('handles manifest-like lines: well formed, bounded, and stable when sent back', () => {
    fc.assert(
      fc.property(arbLine, fc.constantFrom(undefined, 2000), (text, max) => {
        const outcome = validateLine(text, max === undefined ? {} : { maxLineChars: max });
        expectWellFormed(outcome, max);
        if (outcome.kind === 'entry') {
          expect(validateLine(outcome.entry.line, { maxLineChars: max })).toEqual(outcome);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('survives pathological nesting', () => {
    const deep = `{"source-ref":"${SRC}","x":${'['.repeat(40000)}${']'.repeat(40000)}}`;
    expectWellFormed(validateLine(deep));
  });
});

describe('error table', () => {
  it('has a level, message and explanation for every code', () => {
    for (const [code, spec] of Object.entries(LINE_ERRORS)) {
      expect(code).toMatch(/^ERROR_[A-Z_]+$/);
      expect(['line', 'attribute', 'annotation', 'metadata']).toContain(spec.level);
      expect(spec.message).toMatch(/\.$/);
      expect(spec.explanation).toMatch(/\.$/);
    }
  });
});
