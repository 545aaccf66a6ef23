import { describe, expect, it } from 'vitest';
import { manifestLine, manifestLineParsed } from '../../../src/domain/exchange/import-lines.js';
import type { ImportBox, ImportImage } from '../../../src/domain/exchange/import-lines.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';

// An import's converted line reaches validation with the object its text parses to, built from
// the same values (the text is not parsed again). Stored lines and errors must be those of the
// text: the object must be JSON.parse(text), member for member, in the same order, numbers alike.

/** A small deterministic generator (the same cases every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const AWKWARD_NUMBERS = [0, -0, 1, -3.5, 0.1 + 0.2, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, 2 ** 53 + 2, 1280.0000001];
const AWKWARD_NAMES = ['cat', '', 'é ☕ "quoted" \\ back', '\u0000nul', 'a'.repeat(300), '__proto__', 'constructor', '\ud800 lone surrogate', '12'];

function image(next: () => number, i: number): ImportImage {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const coordinate = () => (next() < 0.2 ? pick(AWKWARD_NUMBERS) : Math.round(next() * 2000 * 100) / 100 - 50);
  const boxCount = next() < 0.1 ? 51 + Math.floor(next() * 3) : Math.floor(next() * 5);
  const boxes: ImportBox[] = Array.from({ length: boxCount }, () => {
    const classId = pick([1, 2, 3, 7, 10, 0, -1, 100_000]);
    return { classId, label: next() < 0.2 ? pick(AWKWARD_NAMES) : `class-${classId}`, left: coordinate(), top: coordinate(), width: coordinate(), height: coordinate() };
  });
  const size = next() < 0.2 ? undefined : { width: next() < 0.2 ? pick(AWKWARD_NUMBERS) : 1024, height: next() < 0.2 ? pick(AWKWARD_NUMBERS) : 768 };
  const imageLabels = Array.from({ length: Math.floor(next() * 3) }, () => pick(AWKWARD_NAMES));
  return { sourceRef: next() < 0.05 ? `https://not-s3/${i}.jpg` : `s3://bucket/images/${pick(AWKWARD_NAMES)}/${i}.jpg`, size, boxes, imageLabels };
}

describe('a converted line and its parsed form', () => {
  const next = random(15);
  const images = Array.from({ length: 2000 }, (_, i) => image(next, i));

  it('is the object JSON.parse gives for its text: same members, same order, same numbers', () => {
    for (const one of images) {
      const { text, parsed } = manifestLineParsed(one, '2026-12-07T00:00:00.000Z', 'trove-import/coco');
      expect(text).toBe(manifestLine(one, '2026-12-07T00:00:00.000Z', 'trove-import/coco'));
      // toEqual tells 0 from -0 and null from NaN; the text comparison checks the member order.
      expect(parsed).toEqual(JSON.parse(text));
      expect(JSON.stringify(parsed)).toBe(JSON.stringify(JSON.parse(text)));
    }
  });

  it('validates exactly as its text does: the same stored line, labels and errors', () => {
    let withErrors = 0;
    for (const one of images) {
      const { text, parsed } = manifestLineParsed(one, '2026-12-07T00:00:00.000Z', 'trove-import/coco');
      const fromText = validateLine(text);
      expect(validateLine(text, {}, parsed)).toEqual(fromText);
      if (fromText.kind === 'dropped' || fromText.entry.hasErrors) withErrors++;
    }
    // The cases cover lines with errors (boxes off the frame, too many, names too long, ...), not only clean ones.
    expect(withErrors).toBeGreaterThan(200);
    expect(withErrors).toBeLessThan(images.length - 200);
  });
});
