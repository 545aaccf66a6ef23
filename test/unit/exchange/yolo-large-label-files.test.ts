import { describe, expect, it } from 'vitest';
import { entryContent } from '../../../src/domain/exchange/entry-content.js';
import { newImportStats } from '../../../src/domain/exchange/import-lines.js';
import { labelRowCounter, yoloToLines } from '../../../src/domain/exchange/yolo-import.js';
import { readTar, tarEnd, tarEntry } from '../../../src/lib/tar.js';
import type { TarReadOptions } from '../../../src/lib/tar.js';
import { collect } from '../../harness/streams.js';

// A YOLO label file larger than the import holds (the server's tar reader keeps 64 MiB; here a
// few KB stand in for it) has its boxes counted as it streams past, never taken as 0: left out
// for want of an image, its rows are BOXES_OF_LEFT_OUT_IMAGE; paired with an image, that image is
// left out (LABEL_FILE_TOO_LARGE) rather than listed without its boxes.

const MAX_BODY = 4096;

/** Splits bytes into pieces of `size`, as a network stream delivers them. */
async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** `n` box rows with comments, blank lines, CRLF and a non-ASCII comment between them. */
function labelText(n: number): string {
  const rows: string[] = ['# exported by a tool — ünïcödé', ''];
  for (let i = 0; i < n; i++) rows.push(`${i % 2} 0.5 0.5 0.25 0.25${i % 7 === 0 ? '\r' : ''}`, ...(i % 5 === 0 ? ['   ', '\t# note'] : []));
  return rows.join('\n');
}

const archive = Buffer.concat([
  tarEntry({ name: 'data.yaml', body: 'names: [cat, dog]\n' }),
  tarEntry({ name: 'images.txt', body: 's3://imgs/paired.png\ns3://imgs/small.png\n' }),
  tarEntry({ name: 'labels/small.txt', body: labelText(3) }),
  tarEntry({ name: 'labels/paired.txt', body: labelText(600) }),
  tarEntry({ name: 'labels/orphan-big.txt', body: labelText(900) }),
  tarEntry({ name: 'labels/orphan-small.txt', body: labelText(4) }),
  tarEnd(),
]);
const keep = (name: string) => /\.(txt|ya?ml)$/i.test(name);

async function convert(options: Partial<TarReadOptions> = {}) {
  const stats = newImportStats();
  const lines = await collect(yoloToLines(() => readTar(pieces(archive, 1000), { maxBody: MAX_BODY, keep, ...options }), {
    creationDate: '2026-01-01T00:00:00', maxImages: 100, imageSize: async () => ({ width: 640, height: 480 }),
  }, stats));
  return { stats, refs: lines.map((line) => [entryContent(line).sourceRef, entryContent(line).boxes.length]) };
}

describe('YOLO label files larger than the import holds', () => {
  it('the fixtures are where the test needs them', () => {
    expect(Buffer.byteLength(labelText(600))).toBeGreaterThan(MAX_BODY);
    expect(Buffer.byteLength(labelText(900))).toBeGreaterThan(MAX_BODY);
    expect(Buffer.byteLength(labelText(4))).toBeLessThan(MAX_BODY);
  });

  it('counts their boxes as they stream past: a left-out label file\'s rows, a paired one\'s image left out', async () => {
    const { stats, refs } = await convert({ scanLarge: (name) => (name.endsWith('.txt') ? labelRowCounter() : undefined) });
    expect(refs).toEqual([['s3://imgs/small.png', 3]]);
    expect(stats.leftOut).toEqual({ LABEL_FILE_WITHOUT_IMAGE: 2, LABEL_FILE_TOO_LARGE: 1, BOXES_OF_LEFT_OUT_IMAGE: 600 + 900 + 4 });
    expect(stats).toMatchObject({ images: 1, boxes: 3, skippedImages: 3, skippedBoxes: 1504 });
    expect(stats.problems).toContainEqual(expect.stringMatching(/^labels\/paired\.txt: \d+ bytes, more than a label file may have here; its image is left out$/));
  });

  it('names the pass it opens the folder for, so a reader counts large label files only on the label pass', async () => {
    const scanned: string[] = [];
    const stats = newImportStats();
    await collect(yoloToLines((pass) => readTar(pieces(archive, 1000), {
      maxBody: MAX_BODY, keep, scanLarge: pass === 'labels' ? (name) => (scanned.push(`${pass} ${name}`), labelRowCounter()) : undefined,
    }), { creationDate: '2026-01-01T00:00:00', maxImages: 100, imageSize: async () => ({ width: 640, height: 480 }) }, stats));
    expect(scanned).toEqual(['labels labels/paired.txt', 'labels labels/orphan-big.txt']);
    expect(stats.leftOut.BOXES_OF_LEFT_OUT_IMAGE).toBe(600 + 900 + 4);
  });

  it('without a scanner, reports the boxes as not counted instead of counting 0', async () => {
    const { stats } = await convert();
    expect(stats.leftOut).toEqual({ LABEL_FILE_WITHOUT_IMAGE: 2, LABEL_FILE_TOO_LARGE: 1, BOXES_OF_LEFT_OUT_IMAGE: 4 });
    expect(stats.problems).toContainEqual(expect.stringMatching(/^labels\/orphan-big\.txt: no image for this label file .*; its \d+ bytes of boxes were not counted$/));
  });
});

describe('labelRowCounter', () => {
  const count = (text: string, piece: number) => {
    const counter = labelRowCounter();
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += piece) counter.add(bytes.subarray(at, at + piece));
    return counter.result();
  };

  it('counts the rows the converter reads, however the bytes are split (inside a character, a CRLF, a line)', () => {
    const texts = [
      labelText(50), '', '\n', '0 1 1 1 1', '0 1 1 1 1\n', '\n\n0 1 1 1 1\n\n', '  # a\n#b\n 1 2 3 4 5 \r\n\r\n',
      '\ufeff0 0.1 0.1 0.1 0.1\n\u00a0\n\u3000# wide\n\u00e91 2 3 4 5', 'x'.repeat(10_000), `${' '.repeat(10_000)}\n#${'y'.repeat(5000)}`,
    ];
    for (const text of texts) {
      const expected = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).length;
      for (const piece of [1, 2, 3, 7, 64, 1 << 20]) expect([text.slice(0, 20), piece, count(text, piece)]).toEqual([text.slice(0, 20), piece, expected]);
    }
  });

  it('counts as the converter does on any bytes: non-ASCII white space, broken UTF-8, split anywhere', () => {
    // Bytes that decide a line, or almost: ASCII and non-ASCII white space (U+00A0, U+3000, a BOM, U+2028), '#', a digit, and pieces of characters.
    const alphabet = [0x0a, 0x0d, 0x20, 0x09, 0x0b, 0x23, 0x30, 0xc2, 0xa0, 0xe3, 0x80, 0xef, 0xbb, 0xbf, 0xe2, 0xa8, 0xff];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const expected = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).length;
    const fixed = ['\u00a0\n\u3000\n\ufeff\n\u2028\n', '\u00a0#c\n\u3000x\n', 'x\u3000\n \u00a0 \u3000 0 1 1 1 1'].map((text) => Buffer.from(text));
    fixed.push(Buffer.from([0xe3, 0x80, 0x0a, 0x0a]), Buffer.from([0x20, 0x80, 0x0a]), Buffer.from([0x20, 0xe3, 0x80]), Buffer.from([0xc2, 0xa0, 0xc2]));
    for (let i = 0; i < 3000; i++) fixed.push(Buffer.from(Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)])));
    for (const bytes of fixed) {
      const piece = 1 + random(8);
      const counter = labelRowCounter();
      for (let at = 0; at < bytes.length; at += piece) counter.add(bytes.subarray(at, at + piece));
      expect([bytes.toString('hex'), piece, counter.result()]).toEqual([bytes.toString('hex'), piece, expected(bytes.toString('utf8'))]);
    }
  });

  it('tells white space from any other character for every code point, whole or split', () => {
    const expected = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).length;
    for (let point = 0x80; point <= 0x10ffff; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue;
      const text = ` ${String.fromCodePoint(point)}\n${String.fromCodePoint(point)}#\n`;
      const want = expected(text);
      const bytes = Buffer.from(text);
      for (const piece of point % 64 === 0 ? [1, 2, 3] : [bytes.length]) {
        const counter = labelRowCounter();
        for (let at = 0; at < bytes.length; at += piece) counter.add(bytes.subarray(at, at + piece));
        if (counter.result() !== want) expect([point.toString(16), piece, counter.result()]).toEqual([point.toString(16), piece, want]);
      }
    }
  }, 30_000);

  it('counts a 32 MB one-line file and a million blank lines fed in pieces', () => {
    expect(count('0 '.repeat(16 * 1024 * 1024), 64 * 1024)).toBe(1);
    expect(count(`${'\n'.repeat(1_000_000)}x`, 64 * 1024)).toBe(1);
  });
});
