import { describe, expect, it } from 'vitest';
import { cocoExport } from '../../../src/domain/exchange/coco-export.js';
import { cocoToLineBatches } from '../../../src/domain/exchange/coco-import.js';
import { csvExport } from '../../../src/domain/exchange/csv-export.js';
import { entryContent } from '../../../src/domain/exchange/entry-content.js';
import { ImportFormatError, newImportStats } from '../../../src/domain/exchange/import-lines.js';
import { parseYoloNames } from '../../../src/domain/exchange/yolo-names.js';
import { topLevelArrayElementBatches } from '../../../src/lib/json-arrays.js';
import { readTar, tarEnd, tarEntry } from '../../../src/lib/tar.js';
import { chunksOf, collect, collectBatches } from '../../harness/streams.js';

describe('topLevelArrayElementBatches', () => {
  const doc = Buffer.from(JSON.stringify({
    info: { images: [{ nested: true }] }, skipped: ['a', 'b'],
    images: [{ id: 1, file_name: 'a "quoted" \\ name, with [brackets] and {braces}' }, { id: 2, file_name: 'é😀' }],
    annotations: [], categories: [{ id: 7, name: 'x' }],
  }));

  it('hands out the elements of the wanted arrays whatever the chunk boundaries', async () => {
    for (const size of [1, 2, 3, 7, 64, doc.length]) {
      const elements = await collectBatches(topLevelArrayElementBatches(chunksOf(doc, size), new Set(['images', 'categories', 'annotations']), 1 << 20));
      expect(elements.map((e) => [e.key, JSON.parse(e.text)]), `chunks of ${size}`).toEqual([
        ['images', { id: 1, file_name: 'a "quoted" \\ name, with [brackets] and {braces}' }],
        ['images', { id: 2, file_name: 'é😀' }],
        ['categories', { id: 7, name: 'x' }],
      ]);
    }
  });

  it('finds the end of elements nesting numbers, strings and brackets, pretty-printed, at every chunk boundary', async () => {
    // Inside an element the scanner passes over everything but quotes and brackets: each of those
    // in every position (in strings, escaped, next to numbers and spaces) must still be seen.
    const value = {
      images: [
        { id: 1, segmentation: [[1.5, -2e-3, 3], [4, [5, [6]]]], note: 'x]}\\"[{', empty: {}, list: [] },
        [1, [2, 3], { a: [{ b: '"' }] }], 42, 'plain', null, { deep: { deeper: { deepest: [1e21, true, false] } } },
      ],
      annotations: [{ bbox: [1, 2, 3, 4], s: '\\' }, { bbox: [5, 6, 7, 8] }],
    };
    const pretty = Buffer.from(JSON.stringify(value, null, 2));
    for (let size = 1; size <= 48; size++) {
      const elements = await collectBatches(topLevelArrayElementBatches(chunksOf(pretty, size), new Set(['images', 'annotations']), 1 << 20));
      expect(elements.map((e) => [e.key, JSON.parse(e.text)]), `chunks of ${size}`).toEqual([
        ...value.images.map((element) => ['images', element]), ...value.annotations.map((element) => ['annotations', element]),
      ]);
    }
  });

  it('refuses what is not an object, a cut-short document and an element over the limit', async () => {
    await expect(collectBatches(topLevelArrayElementBatches(chunksOf(Buffer.from('[1,2]'), 4), new Set(['images']), 100))).rejects.toThrow(/not a JSON object/);
    await expect(collectBatches(topLevelArrayElementBatches(chunksOf(doc.subarray(0, 40), 8), new Set(['images']), 100))).rejects.toThrow(/ends before/);
    const big = Buffer.from(JSON.stringify({ images: [{ pad: 'x'.repeat(5000) }] }));
    await expect(collectBatches(topLevelArrayElementBatches(chunksOf(big, 100), new Set(['images']), 1000))).rejects.toThrow(/larger than 1000 bytes/);
  });
});

describe('COCO import', () => {
  const coco = {
    images: [
      { id: 'a', file_name: 'a.jpg', width: 100, height: 80 },
      { id: 'b', file_name: 'sub/b.jpg', width: 100, height: 80, image_labels: [2] },
      { id: 'c', file_name: 'c.jpg' },
    ],
    // Not grouped by image, referring to an unknown image and category, one without a bbox.
    annotations: [
      { id: 1, image_id: 'b', category_id: 1, bbox: [1, 2, 3, 4] },
      { id: 2, image_id: 'a', category_id: 1, bbox: [5.5, 6, 7, 8] },
      { id: 3, image_id: 'b', category_id: 2, bbox: [9, 10, 11, 12] },
      { id: 4, image_id: 'zz', category_id: 1, bbox: [1, 1, 1, 1] },
      { id: 5, image_id: 'a', category_id: 99, bbox: [1, 1, 1, 1] },
      { id: 6, image_id: 'a', category_id: 1, segmentation: [[1, 2, 3, 4]] },
    ],
    categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
  };
  const open = () => chunksOf(Buffer.from(JSON.stringify(coco)), 17);
  const boxesOf = (lines: string[]) => lines.map((line) => {
    const content = entryContent(line);
    return [content.sourceRef, content.imageLabels, content.boxes.map((b) => [b.label, b.left, b.top, b.width, b.height])];
  });

  it('groups boxes per image, keeps file order, and counts what it leaves out', async () => {
    const stats = newImportStats();
    const lines = await collectBatches(cocoToLineBatches(open, { images: 's3://bucket/img/', creationDate: '2026-01-01T00:00:00Z', maxImages: 10 }, stats));
    expect(boxesOf(lines)).toEqual([
      ['s3://bucket/img/a.jpg', [], [['cat', 5.5, 6, 7, 8]]],
      ['s3://bucket/img/sub/b.jpg', ['dog'], [['cat', 1, 2, 3, 4], ['dog', 9, 10, 11, 12]]],
      ['s3://bucket/img/c.jpg', [], []],
    ]);
    expect(stats).toMatchObject({ images: 3, boxes: 3, skippedBoxes: 3, skippedImages: 0, passes: 1 });
  });

  it('reads the annotations again, a window of images at a time, when they do not fit the memory budget', async () => {
    const stats = newImportStats();
    const lines = await collectBatches(cocoToLineBatches(open, { images: 's3://bucket/img/', creationDate: 'x', maxImages: 10, boxBudgetBytes: 88 }, stats));
    expect(boxesOf(lines)).toEqual(boxesOf(await collectBatches(cocoToLineBatches(open, { images: 's3://bucket/img/', creationDate: 'x', maxImages: 10 }, newImportStats()))));
    expect(stats.passes).toBeGreaterThan(2);
    expect(stats.skippedBoxes).toBe(3);
  });

  it('refuses a file with more images than a dataset holds, elements nested too deep, or no images at all', async () => {
    await expect(collectBatches(cocoToLineBatches(open, { images: 's3://b/', creationDate: 'x', maxImages: 2 }, newImportStats()))).rejects.toThrow(ImportFormatError);
    const deep = () => chunksOf(Buffer.from(`{"images": [{"id": 1, "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`), 4096);
    await expect(collectBatches(cocoToLineBatches(deep, { creationDate: 'x', maxImages: 2 }, newImportStats()))).rejects.toThrow(/nests deeper than/);
    const empty = () => chunksOf(Buffer.from('{"categories": []}'), 5);
    await expect(collectBatches(cocoToLineBatches(empty, { creationDate: 'x', maxImages: 2 }, newImportStats()))).rejects.toThrow(/no "images"/);
  });

  it("exports what it imports: COCO out of stored lines and back gives the same boxes and labels", async () => {
    const lines = await collectBatches(cocoToLineBatches(open, { images: 's3://bucket/img/', creationDate: 'x', maxImages: 10 }, newImportStats()));
    const source = { pages: async function* () { yield lines.map((line) => ({ line, sourceRef: entryContent(line).sourceRef })); } };
    const text = (await collect(cocoExport(source, { description: 'd', version: '1', dateCreated: '2026-01-01T00:00:00Z' }))).join('');
    const back = await collectBatches(cocoToLineBatches(() => chunksOf(Buffer.from(text), 33), { creationDate: 'x', maxImages: 10 }, newImportStats()));
    expect(boxesOf(back)).toEqual(boxesOf(lines));
  });
});

describe('tar', () => {
  it('writes and reads files, long names (pax) and skips bodies it is not asked for', async () => {
    const long = `${'folder/'.repeat(40)}file.txt`;
    const archive = Buffer.concat([
      tarEntry({ name: 'data.yaml', body: 'names: [a]\n' }), tarEntry({ name: long, body: Buffer.alloc(1000, 1) }),
      tarEntry({ name: 'images/x.png', body: Buffer.alloc(700, 2) }), tarEnd(),
    ]);
    const files = await collect(readTar(chunksOf(archive, 100), { maxBody: 1 << 20, keep: (name) => !name.endsWith('.png') }));
    expect(files.map((f) => [f.name, f.size, f.body?.length])).toEqual([['data.yaml', 11, 11], [long, 1000, 1000], ['images/x.png', 700, undefined]]);
    await expect(collect(readTar(chunksOf(archive.subarray(0, 700), 100), { maxBody: 1 << 20 }))).rejects.toThrow(/ends inside/);
  });
});

describe('YOLO names and CSV', () => {
  it('reads the forms data.yaml writes names in', () => {
    expect(parseYoloNames('nc: 2\nnames: [cat, "dog, big"]\n')).toEqual(['cat', 'dog, big']);
    expect(parseYoloNames("names:\n  0: cat # a comment\n  2: 'it''s'\ntrain: x\n")).toEqual(['cat', '1', "it's"]);
    expect(parseYoloNames('names:\n- cat\n- "d\\"og"\n')).toEqual(['cat', 'd"og']);
    expect(parseYoloNames('names: {0: a, 1: b}')).toEqual(['a', 'b']);
    expect(parseYoloNames('path: .\n')).toBeUndefined();
  });

  it('writes CSV with every member as a column, quoting what needs it', async () => {
    const source = {
      pages: async function* () {
        yield [{ exampleId: 'e1', content: '{"a":"x,y","b":1}' }, { exampleId: 'e"2', content: '{"c":{"d":["q"]},"a":"line\\nbreak"}' }];
      },
    };
    expect((await collect(csvExport(source))).join('')).toBe('exampleId,a,b,c\r\ne1,"x,y",1,\r\n"e""2","line\nbreak",,"{""d"":[""q""]}"\r\n');
  });
});
