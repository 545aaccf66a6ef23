import { describe, expect, it } from 'vitest';
import { streamManifestLines } from '../../../src/domain/rekognition/manifest/stream-lines.js';
import { BatchRejected } from '../../../src/domain/rekognition/revision-writer.js';
import { addLineErrors } from '../../../src/domain/rekognition/manifest/add-line-errors.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { mapConcurrent } from '../../../src/lib/map-concurrent.js';
import { streamLines } from '../../../src/lib/line-stream.js';

const LIMITS = { maxBytes: 1 << 20, maxLines: 100, maxLineChars: 100_000 };

/** The bytes as a stream cut into pieces of `size` (1 puts every boundary inside a character). */
async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(text: string | Buffer, size = 7, limits = LIMITS): Promise<string[]> {
  const out: string[] = [];
  for await (const line of streamManifestLines(pieces(Buffer.from(text), size), limits)) out.push(line.text);
  return out;
}

async function rejection(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(BatchRejected);
    return (error as BatchRejected).code;
  }
  throw new Error('expected BatchRejected');
}

describe('streamManifestLines', () => {
  it('yields non-blank lines, whatever the chunk boundaries, multi-byte characters included', async () => {
    const text = '{"a":"é€😀"}\r\n\n   \n{"b":2}\n{"c":3}';
    for (const size of [1, 2, 3, 5, 64]) {
      expect(await collect(text, size)).toEqual(['{"a":"é€😀"}', '{"b":2}', '{"c":3}']);
    }
  });

  it('drops a UTF-8 byte-order mark before line 1', async () => {
    expect(await collect(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')]), 2)).toEqual(['{"a":1}']);
  });

  it('counts blank lines toward the row limit, but not a final newline', async () => {
    const limits = { ...LIMITS, maxLines: 3 };
    expect(await collect('{}\n\n{}\n', 4, limits)).toEqual(['{}', '{}']);
    expect(await collect('{}\n\n\n', 4, limits)).toEqual(['{}']);
    expect(await rejection(collect('{}\n\n\n{}', 4, limits))).toBe('ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM');
  });

  it('stops at the byte limit', async () => {
    const limits = { ...LIMITS, maxBytes: 20 };
    expect(await collect('{"a":1}\n{"b":22222}\n', 3, limits)).toHaveLength(2);
    expect(await rejection(collect('{"a":1}\n{"b":222222}\n', 3, limits))).toBe('ERROR_MANIFEST_SIZE_TOO_LARGE');
  });

  it('rejects binary files', async () => {
    expect(await rejection(collect(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])))).toBe('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT');
    expect(await rejection(collect(Buffer.from('{"a":1}\0\n')))).toBe('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT');
  });

  it('cuts an endless line to a bounded prefix that the validator still drops as too long', async () => {
    const limits = { ...LIMITS, maxLineChars: 100, maxBytes: 1 << 30 };
    for (const char of ['x', '€', '😀']) {
      const long = `{"source-ref":"s3://bucket/a.png","pad":"${char.repeat(5000)}"}`;
      const lines = await collect(`${long}\n{"source-ref":"s3://bucket/b.png"}`, 1000, limits);
      expect(lines).toHaveLength(2);
      expect(lines[0].length).toBeLessThanOrEqual(3 * 101 + 3); // a string of at most the bytes kept
      expect(validateLine(lines[0], { maxLineChars: 100 })).toMatchObject({ kind: 'dropped', reason: 'LINE_TOO_LONG' });
      expect(lines[1]).toBe('{"source-ref":"s3://bucket/b.png"}');
    }
  });
});

describe('addLineErrors', () => {
  const entryOf = (line: string) => {
    const outcome = validateLine(line);
    if (outcome.kind !== 'entry') throw new Error('expected an entry');
    return outcome.entry;
  };

  it('appends to the top-level cl-errors and marks the entry', () => {
    const entry = entryOf('{"source-ref":"s3://bucket/a.png"}');
    expect(entry.hasErrors).toBe(false);
    const outcome = addLineErrors(entry, [{ code: 'ERROR_INVALID_IMAGE', detail: 'The object does not exist.' }]);
    expect(outcome.kind).toBe('entry');
    if (outcome.kind !== 'entry') return;
    expect(outcome.entry.hasErrors).toBe(true);
    expect(JSON.parse(outcome.entry.line)).toEqual({
      'source-ref': 's3://bucket/a.png',
      'cl-metadata': { is_labeled: false },
      'cl-errors': [{ code: 'ERROR_INVALID_IMAGE', message: 'The image is invalid. Check S3 path and/or image properties. The object does not exist.' }],
    });
    expect(Object.keys(JSON.parse(outcome.entry.line))).toEqual(['source-ref', 'cl-metadata', 'cl-errors']);
  });

  it('keeps the errors the validator found first', () => {
    const entry = entryOf('{"source-ref":"s3://bucket/a.png","x-metadata":{}}');
    const outcome = addLineErrors(entry, [{ code: 'ERROR_INVALID_IMAGE_DIMENSION' }]);
    if (outcome.kind !== 'entry') throw new Error('expected an entry');
    expect(JSON.parse(outcome.entry.line)['cl-errors'].map((e: { code: string }) => e.code))
      .toEqual(['ERROR_NO_LABEL_ATTRIBUTES', 'ERROR_INVALID_IMAGE_DIMENSION']);
  });

  it('returns the same entry when there is nothing to add, drops a line pushed past the limit', () => {
    const entry = entryOf('{"source-ref":"s3://bucket/a.png"}');
    expect(addLineErrors(entry, [])).toEqual({ kind: 'entry', entry });
    expect(addLineErrors(entry, [{ code: 'ERROR_INVALID_IMAGE' }], entry.line.length + 10)).toMatchObject({ kind: 'dropped', reason: 'LINE_TOO_LONG' });
  });
});

describe('mapConcurrent', () => {
  it('keeps order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapConcurrent(Array.from({ length: 50 }, (_, i) => i), 4, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, n % 3));
      active--;
      return n * 2;
    });
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(peak).toBe(4);
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });
});

describe('streamLines (lib)', () => {
  it('numbers physical lines, blank ones included', async () => {
    const out: { lineNumber: number; text: string }[] = [];
    for await (const line of streamLines(pieces(Buffer.from('{"a":1}\n\n  \r\n{"b":2}\r\n{"c":3}'), 3), LIMITS)) out.push(line);
    expect(out).toEqual([{ lineNumber: 1, text: '{"a":1}' }, { lineNumber: 4, text: '{"b":2}' }, { lineNumber: 5, text: '{"c":3}' }]);
  });
});
