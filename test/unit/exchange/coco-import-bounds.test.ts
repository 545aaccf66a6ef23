import { describe, expect, it } from 'vitest';
import { cocoToLineBatches } from '../../../src/domain/exchange/coco-import.js';
import { entryContent } from '../../../src/domain/exchange/entry-content.js';
import { ImportFormatError, newImportStats } from '../../../src/domain/exchange/import-lines.js';
import { collectBatches } from '../../harness/streams.js';

// A COCO file is read from the object store by the import job, and may be as large as its writer
// likes. What the conversion keeps (the images table, the boxes of pass 1) must be bounded by its
// budgets in bytes, not by the file: before, a string id, a file name or a list of image labels
// of megabytes was kept as it came, once per image or annotation, so memory grew with the file.

function coco(document: Record<string, unknown>): () => AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(JSON.stringify(document));
  return async function* () {
    for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
  };
}

const OPTIONS = { creationDate: '2026-01-01T00:00:00', maxImages: 1000 };
const image = (id: unknown, fileName: string, extra: Record<string, unknown> = {}) => ({ id, file_name: fileName, width: 100, height: 100, ...extra });
const box = (id: number, imageId: unknown) => ({ id, image_id: imageId, category_id: 1, bbox: [1, 2, 30, 40] });

describe('COCO imports keep what their budgets allow, whatever the file holds', () => {
  it('leaves out images whose id or s3:// location no S3 key or COCO id can be, and keeps the others', async () => {
    const stats = newImportStats();
    const lines = await collectBatches(cocoToLineBatches(coco({
      images: [image('x'.repeat(1 << 20), 's3://b/huge-id.png'), image(2, `s3://b/${'k'.repeat(2000)}.png`), image(3, 's3://b/ok.png')],
      annotations: [box(1, 'x'.repeat(1 << 20)), box(2, 3)], categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'n'.repeat(300) }],
    }), OPTIONS, stats));
    expect(lines.map((line) => entryContent(line).sourceRef)).toEqual(['s3://b/ok.png']);
    expect(entryContent(lines[0]).boxes).toHaveLength(1);
    expect(stats.skippedImages).toBe(2);
    expect(stats.problems.every((problem) => problem.length < 400)).toBe(true);
  });

  it('counts every image\'s id, location and labels against the images table\'s budget', async () => {
    const images = Array.from({ length: 50 }, (_, i) => image(`image-${i}`, `s3://b/${'p'.repeat(900)}/${i}.png`, { image_labels: Array.from({ length: 500 }, (_, l) => l) }));
    const read = collectBatches(cocoToLineBatches(coco({ images, annotations: [], categories: [] }), { ...OPTIONS, imageTableBudgetBytes: 100_000 }, newImportStats()));
    await expect(read).rejects.toThrow(ImportFormatError);
    await expect(collectBatches(cocoToLineBatches(coco({ images, annotations: [], categories: [] }), { ...OPTIONS, imageTableBudgetBytes: 1_000_000 }, newImportStats()))).resolves.toHaveLength(50);
  });

  it('counts string image ids of the annotations it keeps in pass 1 against the box budget (then reads windows again)', async () => {
    const id = 'i'.repeat(200);
    const stats = newImportStats();
    const lines = await collectBatches(cocoToLineBatches(coco({
      annotations: Array.from({ length: 100 }, (_, i) => box(i, id)), images: [image(id, 's3://b/a.png')], categories: [{ id: 1, name: 'cat' }],
    }), { ...OPTIONS, boxBudgetBytes: 100 * 40 + 1000 }, stats));
    expect(entryContent(lines[0]).boxes).toHaveLength(100);
    expect(stats.passes).toBeGreaterThan(1);
  });
});

describe('COCO category ids', () => {
  // Boxes are kept in typed arrays: category ids were kept as 32-bit integers, so 4294967297 came
  // back as 1 (the box took category 1's name), and an annotation whose category_id is no integer
  // was kept as -1 (the name of a category -1, when the file has one).
  const document = {
    images: [image(1, 's3://b/a.png')],
    categories: [{ id: 1, name: 'one' }, { id: -1, name: 'minus one' }, { id: 4294967297, name: 'big' }],
    annotations: [
      { id: 1, image_id: 1, category_id: 4294967297, bbox: [1, 2, 3, 4] },
      { id: 2, image_id: 1, category_id: 'x', bbox: [1, 2, 3, 4] },
      { id: 3, image_id: 1, category_id: 1.5, bbox: [1, 2, 3, 4] },
      { id: 4, image_id: 1, category_id: -1, bbox: [5, 6, 7, 8] },
    ],
  };

  it.each([
    ['read once', undefined],
    ['read in windows', 3 * 44],
  ])('are kept as the file gives them (%s)', async (_name, boxBudgetBytes) => {
    const stats = newImportStats();
    const lines = await collectBatches(cocoToLineBatches(coco(document), { ...OPTIONS, boxBudgetBytes }, stats));
    expect(entryContent(lines[0]).boxes.map((b) => b.label)).toEqual(['big', 'minus one']);
    expect(stats.skippedBoxes).toBe(2);
    expect(stats.passes > 1).toBe(boxBudgetBytes !== undefined);
  });
});
