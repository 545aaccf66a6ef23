import { describe, expect, it } from 'vitest';
import { readAnnotationMembers } from '../../../src/domain/exchange/coco-annotation.js';

// A COCO import reads its annotations' members from their bytes instead of JSON.parse building
// them (and their polygons). Whatever it reads must be what JSON.parse gives, and whatever
// JSON.parse refuses it must leave to JSON.parse (answering undefined), so that a file's errors
// and messages stay the same. Checked here against JSON.parse on many texts, valid and not.

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const NUMBERS = ['0', '-0', '7', '-12', '100000', '20.5', '10.25', '0.1', '0.30000000000000004', '1e5', '1E+2', '2.5e-3', '-1.5E-7',
  '123456789012345678', '1234567.8901234567', '9007199254740993', '1.7976931348623157e308', '1e999', '-1e999', '5e-324', '4.35', '1.0000000000000002',
  '0.1e1', '12345678901234.5', '999999999999999', '9999999999999999', '3.141592653589793238'];
const NOT_NUMBERS = ['01', '1.', '.5', '+1', '-', '1e', '1e+', '0x10', 'NaN', 'Infinity', '--1', '1.2.3', '١'];
const STRINGS = ['"a"', '"image 1"', '"é😀"', '"with \\"escape\\""', '"tab\\t"', '"\\u0041"', '"raw\ttab"', '""', '"x]}{["'];

function valueText(next: () => number, depth = 0): string {
  const roll = next();
  if (roll < 0.42) return NUMBERS[Math.floor(next() * NUMBERS.length)];
  if (roll < 0.45) return NOT_NUMBERS[Math.floor(next() * NOT_NUMBERS.length)];
  if (roll < 0.6) return STRINGS[Math.floor(next() * STRINGS.length)];
  if (roll < 0.67) return ['true', 'false', 'null'][Math.floor(next() * 3)];
  if (roll < 0.72 && depth < 3) return `{"counts": ${valueText(next, depth + 1)}, "size": [1, 2]}`;
  if (depth > 3) return '1';
  const items = Array.from({ length: Math.floor(next() * 6) }, () => valueText(next, depth + 1));
  return `[${items.join(next() < 0.5 ? ',' : ' , ')}]`;
}

function annotationText(next: () => number): string {
  const members: string[] = [];
  const add = (key: string, value: string) => members.push(`"${key}"${next() < 0.2 ? ' : ' : ':'}${value}`);
  const coordinate = () => (next() < 0.8 ? NUMBERS[Math.floor(next() * NUMBERS.length)] : valueText(next, 1));
  if (next() < 0.8) add('segmentation', `[[${Array.from({ length: 8 }, coordinate).join(',')}]]`);
  if (next() < 0.5) add('area', coordinate());
  if (next() < 0.5) add('iscrowd', next() < 0.9 ? '0' : valueText(next));
  if (next() < 0.9) add('image_id', next() < 0.8 ? String(Math.floor(next() * 1000)) : valueText(next));
  if (next() < 0.9) add('bbox', next() < 0.8 ? `[${Array.from({ length: 4 }, coordinate).join(', ')}]` : valueText(next));
  if (next() < 0.9) add('category_id', next() < 0.8 ? String(Math.floor(next() * 90)) : valueText(next));
  if (next() < 0.9) add('id', next() < 0.8 ? String(Math.floor(next() * 1e6)) : valueText(next));
  if (next() < 0.1) add(['id', 'bbox', 'image_id', 'category_id', 'image\\u005fid', 'extra'][Math.floor(next() * 6)], valueText(next));
  for (let i = members.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [members[i], members[j]] = [members[j], members[i]];
  }
  return `{${members.join(next() < 0.8 ? ',' : ',\n  ')}}`;
}

/** A small change that often breaks the JSON: a character dropped, doubled, or one inserted. */
function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * text.length);
  const roll = next();
  if (roll < 0.33) return text.slice(0, at) + text.slice(at + 1);
  if (roll < 0.66) return text.slice(0, at) + text[at] + text.slice(at);
  const inserted = [',', ':', '"', '[', ']', '{', '}', ' ', '0', '-', '.', 'e', '\\', '\u0001', '\u00a0'][Math.floor(next() * 15)];
  return text.slice(0, at) + inserted + text.slice(at);
}

/** What the import takes from JSON.parse's object: the members read by readAnnotationMembers. */
function expected(text: string): Record<string, unknown> | 'refused' | 'not simple' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'refused';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not simple';
  const members: Record<string, unknown> = {};
  const object = value as Record<string, unknown>;
  for (const key of ['id', 'image_id', 'category_id'] as const) {
    if (!Object.hasOwn(object, key)) continue;
    if (typeof object[key] !== 'number' && typeof object[key] !== 'string') return 'not simple';
    members[key] = object[key];
  }
  if (Object.hasOwn(object, 'bbox')) {
    const { bbox } = object;
    members.bbox = Array.isArray(bbox) && bbox.length === 4 && bbox.every((n) => typeof n === 'number') ? bbox : false;
  }
  return members;
}

describe('reading an annotation from its bytes', () => {
  it('gives what JSON.parse gives, or leaves the text to JSON.parse', () => {
    const next = random(7);
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = annotationText(next);
      if (next() < 0.4) text = mutate(text, next);
      const members = readAnnotationMembers(Buffer.from(text));
      const want = expected(text);
      if (want === 'refused') refused++;
      if (members === undefined) continue;
      read++;
      // toEqual tells -0 from 0; JSON.parse's object has the members in the order of the text, as does the reader's.
      expect(want, text).toEqual(members);
    }
    // Both kinds are exercised: texts read here, and texts (invalid or unusual) left to JSON.parse.
    expect(read).toBeGreaterThan(5_000);
    expect(refused).toBeGreaterThan(2_000);
  });

  it('reads a COCO annotation as written by the COCO tools, floats and all', () => {
    const text = '{"segmentation": [[239.97, 260.24, 222.04, 270.49]], "area": 2765.1486500000005, "iscrowd": 0, "image_id": 558840, "bbox": [199.84, 200.46, 77.71, 70.88], "category_id": 58, "id": 156}';
    expect(readAnnotationMembers(Buffer.from(text))).toEqual({ image_id: 558840, bbox: [199.84, 200.46, 77.71, 70.88], category_id: 58, id: 156 });
    // A crowd region's RLE mask is an object: left to JSON.parse.
    expect(readAnnotationMembers(Buffer.from('{"segmentation": {"counts": [1, 2], "size": [3, 4]}, "image_id": 1}'))).toBeUndefined();
  });
});
