import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { splitPieces } from '../../../src/domain/rekognition/manifest/split-lines.js';
import type { ManifestLine } from '../../../src/domain/rekognition/manifest/split-lines.js';
import { collectBatches } from '../../harness/streams.js';

/** The lines splitPieces gives for a blob handed over whole (text as its UTF-8 bytes). */
const collect = (blob: Buffer | string) => collectBatches(splitPieces([typeof blob === 'string' ? Buffer.from(blob, 'utf8') : blob]));

/**
 * What the lines of a text are, by definition: split on \n, a leading byte-order mark and each
 * line's trailing \r dropped, lines that String.prototype.trim empties skipped but counted.
 */
function linesOfText(text: string): ManifestLine[] {
  return text.replace(/^\uFEFF/, '').split('\n')
    .map((line, i) => ({ lineNumber: i + 1, text: line.endsWith('\r') ? line.slice(0, -1) : line }))
    .filter((line) => line.text.trim().length > 0);
}

describe('splitPieces', () => {
  it('splits on \\n with 1-based physical line numbers', async () => {
    expect(await collect('{"a":1}\n{"b":2}\n{"c":3}')).toEqual([
      { lineNumber: 1, text: '{"a":1}' },
      { lineNumber: 2, text: '{"b":2}' },
      { lineNumber: 3, text: '{"c":3}' },
    ]);
  });

  it('strips the \\r of \\r\\n line ends', async () => {
    expect(await collect('{"a":1}\r\n{"b":2}\r\n')).toEqual([
      { lineNumber: 1, text: '{"a":1}' },
      { lineNumber: 2, text: '{"b":2}' },
    ]);
  });

  it('skips blank and whitespace-only lines but still counts them', async () => {
    const blob = '\n{"a":1}\n   \n\t\r\n\r\n{"b":2}\n\n';
    expect(await collect(blob)).toEqual([
      { lineNumber: 2, text: '{"a":1}' },
      { lineNumber: 6, text: '{"b":2}' },
    ]);
  });

  it('keeps surrounding spaces of a non-blank line (the JSON parser ignores them)', async () => {
    expect(await collect('  {"a":1}  \n')).toEqual([{ lineNumber: 1, text: '  {"a":1}  ' }]);
  });

  it('keeps a line that is not JSON: the validator decides what to do with it', async () => {
    expect(await collect('not json\n{"a":1}')).toEqual([
      { lineNumber: 1, text: 'not json' },
      { lineNumber: 2, text: '{"a":1}' },
    ]);
  });

  it('yields nothing for an empty or all-blank blob', async () => {
    expect(await collect('')).toEqual([]);
    expect(await collect(Buffer.alloc(0))).toEqual([]);
    expect(await collect('\n\n  \r\n')).toEqual([]);
  });

  it('decodes a Buffer as UTF-8, including multi-byte characters', async () => {
    const blob = Buffer.from('{"name":"café ☕ 🐈"}\n{"b":"日本"}\n', 'utf8');
    expect(await collect(blob)).toEqual([
      { lineNumber: 1, text: '{"name":"café ☕ 🐈"}' },
      { lineNumber: 2, text: '{"b":"日本"}' },
    ]);
  });

  it('drops a leading UTF-8 byte-order mark', async () => {
    const blob = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}')]);
    expect(await collect(blob)).toEqual([
      { lineNumber: 1, text: '{"a":1}' },
      { lineNumber: 2, text: '{"b":2}' },
    ]);
    expect(await collect('\uFEFF{"a":1}')).toEqual([{ lineNumber: 1, text: '{"a":1}' }]);
  });

  it('handles a last line without a trailing newline and a lone \\r inside a line', async () => {
    expect(await collect('{"a":"x\ry"}')).toEqual([{ lineNumber: 1, text: '{"a":"x\ry"}' }]);
  });

  it('property: the non-blank lines of any text come back in order with their numbers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '  ', '\t', '{"x":1}'))), fc.boolean(), async (lines, crlf) => {
        const clean = lines.map((l) => l.replace(/[\r\n\uFEFF]/g, ''));
        const blob = clean.join(crlf ? '\r\n' : '\n');
        const expected = clean
          .map((text, i) => ({ lineNumber: i + 1, text }))
          .filter((l) => l.text.trim().length > 0);
        expect(await collect(blob)).toEqual(expected);
      }),
    );
  });

  it('property: a Buffer of any bytes, even invalid UTF-8, splits as its decoded text does', async () => {
    const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0a, 0x0d, 0x20, 0xef, 0xbb, 0xbf, 0xe2, 0x80, 0xa8)), { maxLength: 200 });
    await fc.assert(fc.asyncProperty(bytes, async (list) => {
      const blob = Buffer.from(list);
      expect(await collect(blob)).toEqual(linesOfText(blob.toString('utf8')));
    }), { numRuns: 2000 });
  });

  it('property: a blob read in pieces (a job payload) splits exactly as the whole blob, wherever the cuts fall', async () => {
    const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0a, 0x0d, 0x20, 0x7b, 0xef, 0xbb, 0xbf, 0xe2, 0x82, 0xac)), { maxLength: 300 });
    await fc.assert(fc.asyncProperty(bytes, fc.array(fc.nat(300), { maxLength: 8 }), async (list, cuts) => {
      const blob = Buffer.from(list);
      const at = [...new Set(cuts.map((cut) => cut % (blob.length + 1)))].sort((a, b) => a - b);
      const pieces = [0, ...at].map((start, i) => blob.subarray(start, i < at.length ? at[i] : blob.length));
      expect(await collectBatches(splitPieces(pieces))).toEqual(linesOfText(blob.toString('utf8')));
    }), { numRuns: 2000 });
  });

  it('splitPieces: a byte-order mark cut across pieces, \r\n across pieces, a multi-byte character across pieces', async () => {
    const blob = Buffer.from('\uFEFF{"a":"é"}\r\n\n{"b":"☕"}\r\n', 'utf8');
    const pieces = [blob.subarray(0, 1), blob.subarray(1, 11), blob.subarray(11, 12), blob.subarray(12, 22), blob.subarray(22)];
    expect(await collectBatches(splitPieces(pieces))).toEqual([{ lineNumber: 1, text: '{"a":"é"}' }, { lineNumber: 3, text: '{"b":"☕"}' }]);
  });
});
