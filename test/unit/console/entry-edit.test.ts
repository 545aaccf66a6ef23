import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addBox, addImageLabel, deleteBox, detectionAttribute, editableLine, imageLabelAttributes, lineText, removeImageLabel, renameImageLabel, setBoxLabel, setBoxRect,
} from '../../../console/src/rekognition/edit/entry-edit.js';
import { entryVersion } from '../../../console/src/rekognition/edit/entry-version.js';
import { pixelSize } from '../../../console/src/rekognition/edit/pixel-size.js';
import { readEntry } from '../../../console/src/rekognition/entry-model.js';
import { entryVersion as serverVersion } from '../../../src/domain/rekognition/entry-versions.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { jpeg, png } from '../../harness/images.js';
import { classificationLine, detectionLine } from '../../harness/rekognition.js';

const SRC = 's3://bucket/flowers/tulip.png';
const NOW = new Date('2026-12-06T10:00:00.000Z');

/** The line as Trove lists it. */
function listed(line: string): string {
  const outcome = validateLine(line);
  if (outcome.kind !== 'entry') throw new Error(outcome.message);
  return outcome.entry.line;
}
/** The edited line as Trove would store it: its errors and labels. */
function afterSave(line: Record<string, unknown>) {
  const entry = readEntry(listed(lineText(line)));
  return { errors: entry.errors.map((e) => e.code), boxes: entry.boxes.map((b) => [b.label, b.left, b.top, b.width, b.height]), labels: entry.imageLabels.map((l) => l.name) };
}

describe('editing a manifest line', () => {
  it('drops Trove\'s service keys and keeps every other key as it was', () => {
    const original = JSON.parse(detectionLine(SRC, [{ label: 'tulip', left: 300, top: 10, width: 500, height: 50 }])) as Record<string, unknown>;
    original['my-notes'] = { reviewer: 'ana', tags: ['x'] };
    (original['bounding-box'] as { annotations: Record<string, unknown>[] }).annotations[0]['occluded'] = true;
    (original['bounding-box-metadata'] as Record<string, unknown>)['job-name'] = 'their job';
    const line = editableLine(listed(JSON.stringify(original)));
    expect(Object.keys(line)).not.toContain('cl-metadata');
    expect(JSON.stringify(line)).not.toContain('cl-errors');
    const moved = setBoxRect(line, 'bounding-box', 0, { left: 100.4, top: 10, width: 499.7, height: 50 });
    expect(moved['my-notes']).toEqual({ reviewer: 'ana', tags: ['x'] });
    expect((moved['bounding-box'] as { annotations: unknown[] }).annotations[0]).toEqual({ class_id: 0, top: 10, left: 100, width: 500, height: 50, occluded: true });
    expect((moved['bounding-box-metadata'] as Record<string, unknown>)['job-name']).toBe('their job');
    // The original object is not changed by an edit (undo keeps it).
    expect((line['bounding-box'] as { annotations: { left: number }[] }).annotations[0].left).toBe(300);
  });

  it('clears ERROR_INVALID_BOUNDING_BOX once the box is inside the image, and a too-small box once it is larger', () => {
    const line = editableLine(listed(detectionLine(SRC, [{ label: 'tulip', left: 600, top: 10, width: 100, height: 50 }, { label: 'bee', left: 5, top: 5, width: 1, height: 1 }])));
    expect(afterSave(line).errors).toEqual(expect.arrayContaining(['ERROR_BOUNDING_BOX_TOO_SMALL', 'ERROR_INVALID_BOUNDING_BOX']));
    const fixed = setBoxRect(setBoxRect(line, 'bounding-box', 0, { left: 500, top: 10, width: 100, height: 50 }), 'bounding-box', 1, { left: 5, top: 5, width: 30, height: 30 });
    expect(afterSave(fixed)).toMatchObject({ errors: [], boxes: [['tulip', 500, 10, 100, 50], ['bee', 5, 5, 30, 30]] });
  });

  it('names a box whose class_id the class-map lacks, and relabels boxes through the class-map', () => {
    const original = JSON.parse(detectionLine(SRC, [{ label: 'tulip', left: 10, top: 10, width: 50, height: 50 }])) as Record<string, unknown>;
    (original['bounding-box'] as { annotations: Record<string, unknown>[] }).annotations[0]['class_id'] = 42;
    const line = editableLine(listed(JSON.stringify(original)));
    expect(afterSave(line).errors).toContain('ERROR_MISSING_CLASS_MAP_ID');
    const named = setBoxLabel(line, 'bounding-box', 0, 'tulip');
    expect(afterSave(named)).toMatchObject({ errors: [], boxes: [['tulip', 10, 10, 50, 50]] });
    const rose = setBoxLabel(named, 'bounding-box', 0, 'rose');
    expect((rose['bounding-box-metadata'] as Record<string, unknown>)['class-map']).toEqual({ 0: 'tulip', 1: 'rose' });
    expect(afterSave(rose).boxes).toEqual([['rose', 10, 10, 50, 50]]);
  });

  it('adds a first box to an image without boxes, with the image size, then more boxes and deletes one', () => {
    const line = editableLine(listed(classificationLine(SRC, 'garden')));
    const one = addBox(line, { left: 10, top: 20, width: 30, height: 40 }, 'tulip', { width: 320, height: 240 }, NOW);
    expect(detectionAttribute(one)).toBe('bounding-box');
    const two = addBox(one, { left: 100, top: 100, width: 50, height: 50 }, 'rose', { width: 999, height: 999 }, NOW);
    expect(afterSave(two)).toEqual({ errors: [], boxes: [['tulip', 10, 20, 30, 40], ['rose', 100, 100, 50, 50]], labels: ['garden'] });
    expect((two['bounding-box'] as { image_size: unknown }).image_size).toEqual([{ width: 320, height: 240, depth: 3 }]);
    const removed = deleteBox(two, 'bounding-box', 0);
    expect(afterSave(removed).boxes).toEqual([['rose', 100, 100, 50, 50]]);
    expect((removed['bounding-box-metadata'] as { objects: unknown[] }).objects).toHaveLength(1);
  });

  it('adds, removes and renames image-level labels, with attribute names that are always valid', () => {
    const line = editableLine(listed(classificationLine(SRC, 'rose')));
    const added = addImageLabel(addImageLabel(line, 'tulip', NOW), 'red flower/-metadata', NOW);
    expect(addImageLabel(added, 'tulip', NOW)).toBe(added);
    expect(imageLabelAttributes(added)).toEqual([
      { attribute: 'rose', name: 'rose' }, { attribute: 'tulip', name: 'tulip' }, { attribute: 'label', name: 'red flower/-metadata' },
    ]);
    expect(afterSave(added)).toMatchObject({ errors: [], labels: ['rose', 'tulip', 'red flower/-metadata'] });
    expect(afterSave(removeImageLabel(added, 'rose')).labels).toEqual(['tulip', 'red flower/-metadata']);
    const long = addImageLabel(line, 'x'.repeat(300), NOW);
    expect(afterSave(long).errors).toContain('ERROR_INVALID_LABEL_NAME_LENGTH');
    expect(afterSave(renameImageLabel(long, 'label', 'short')).errors).toEqual([]);
  });
});

describe('helpers of the editor', () => {
  it('computes an entry\'s version as the server does', async () => {
    const line = listed(classificationLine(SRC, 'rosé 🌹'));
    expect(await entryVersion(line)).toBe(serverVersion(line));
    expect(await entryVersion(line)).toBe(createHash('sha256').update(line).digest('hex'));
  });

  it('reads the stored pixel size of PNG and JPEG files', () => {
    expect(pixelSize(png(320, 200))).toEqual({ width: 320, height: 200 });
    expect(pixelSize(jpeg(1600, 1200, { exifBytes: 70_000 }))).toEqual({ width: 1600, height: 1200 });
    expect(pixelSize(Buffer.from('GIF89a'))).toBeUndefined();
  });
});
