import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyToAll, bulkEdit } from '../../../console/src/rekognition/edit/bulk-edit.js';
import { listedLine, sameContent } from '../../../console/src/rekognition/edit/entry-edit.js';
import { EntrySaver } from '../../../console/src/rekognition/edit/entry-saver.js';
import type { DatasetState, Expectation, SaverPort } from '../../../console/src/rekognition/edit/entry-saver.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { classificationLine, detectionLine } from '../../harness/rekognition.js';

const sha = (line: string) => createHash('sha256').update(line).digest('hex');
const refOf = (line: string) => (JSON.parse(line) as { 'source-ref': string })['source-ref'];

/** The line Trove stores for a line sent: its own validation (errors included), as ListDatasetEntries lists it. */
function stored(sent: string): string {
  const outcome = validateLine(sent);
  if (outcome.kind !== 'entry') throw new Error(`dropped: ${outcome.reason}`);
  return outcome.entry.line;
}

/** A dataset as Trove keeps it: lines as validation stores them, versions checked, conflicts answered with lines. */
class Dataset implements SaverPort {
  lines = new Map<string, string>();
  conditionalCalls = 0;
  async describe(): Promise<DatasetState> {
    return { status: 'UPDATE_COMPLETE' };
  }
  async updateIfUnchanged(lines: readonly string[], expected: readonly Expectation[]): Promise<void> {
    this.conditionalCalls++;
    const conflicts = expected.filter((e) => sha(this.lines.get(e.sourceRef) ?? '') !== e.version);
    if (conflicts.length > 0) {
      throw Object.assign(new Error('changed'), {
        name: 'ConditionalCheckFailedException',
        body: { conflicts: conflicts.map((c) => ({ sourceRef: c.sourceRef, current: { version: sha(this.lines.get(c.sourceRef)!), line: this.lines.get(c.sourceRef) } })) },
      });
    }
    for (const line of lines) this.lines.set(refOf(line), stored(line));
  }
  async update(): Promise<void> {
    throw new Error('conditional saves only here');
  }
  readBacks = 0;
  async readBack(sourceRefs: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.readBacks++;
    return new Map(sourceRefs.filter((ref) => this.lines.has(ref)).map((ref) => [ref, this.lines.get(ref)!]));
  }
  async sleep(): Promise<void> {}
}

async function* once(lines: readonly string[]): AsyncGenerator<readonly string[]> {
  yield lines;
}

describe('a bulk change builds the next one on the lines it sent', () => {
  it('guesses the line Trove lists for a clean line sent, exactly (its validation)', () => {
    for (const line of [classificationLine('s3://photos/a.png', 'rose'), JSON.stringify({ 'source-ref': 's3://photos/plain.png' })]) {
      const sent = bulkEdit(stored(line), { kind: 'add', label: 'summer' }, new Date(0))!;
      expect(listedLine(sent)).toBe(stored(sent));
    }
  });

  it('tells the same content from a change, whatever Trove recomputed (cl-metadata, cl-errors)', () => {
    // A 1-pixel box: stored with ERROR_BOUNDING_BOX_TOO_SMALL.
    const line = detectionLine('s3://photos/bee.png', [{ label: 'bee', left: 10, top: 10, width: 1, height: 1 }]);
    expect(stored(line)).toContain('cl-errors');
    expect(sameContent(stored(line), line)).toBe(true);
    expect(sameContent(stored(line), classificationLine('s3://photos/bee.png', 'bee'))).toBe(false);
  });

  it('removes a label just added to 60 entries without reading them again, adopting entries Trove listed with errors', async () => {
    const dataset = new Dataset();
    const lines = Array.from({ length: 60 }, (_, i) => (i % 10 === 0
      ? detectionLine(`s3://photos/img-${i}.png`, [{ label: 'bee', left: 10, top: 10, width: 1, height: 1 }])
      : classificationLine(`s3://photos/img-${i}.png`, 'rose')));
    for (const line of lines) dataset.lines.set(refOf(line), stored(line));
    const saver = new EntrySaver(dataset, { conditional: true });
    const listed = [...dataset.lines.values()];

    const added = await applyToAll(once(listed), { kind: 'add', label: 'summer' }, saver, () => undefined, new Date(0));
    expect(added).toMatchObject({ changed: 60, skipped: [] });
    expect(dataset.conditionalCalls).toBe(1);
    // What it knows of each entry: the clean ones exactly as listed; those with errors, their content.
    expect([...added.lines.keys()].sort()).toEqual([...dataset.lines.keys()].sort());
    const exact = [...added.lines].filter(([ref, line]) => dataset.lines.get(ref) === line);
    expect(exact).toHaveLength(54);
    for (const [ref, line] of added.lines) expect(sameContent(line, dataset.lines.get(ref)!)).toBe(true);

    // The second change, on those lines: the six with errors conflict once, are taken as listed
    // (same content), and are changed too; nothing is reported as changed by someone else.
    const removed = await applyToAll(once([...added.lines.values()]), { kind: 'remove', label: 'summer' }, saver, () => undefined, new Date(0));
    expect(removed).toMatchObject({ changed: 60, unchanged: 0, skipped: [] });
    expect(dataset.conditionalCalls).toBe(3);
    expect(dataset.readBacks).toBe(0);
    for (const line of dataset.lines.values()) expect(line).not.toContain('summer');
  });

  it('still leaves alone an entry someone else changed meanwhile', async () => {
    const dataset = new Dataset();
    const line = classificationLine('s3://photos/a.png', 'rose');
    dataset.lines.set('s3://photos/a.png', stored(line));
    const saver = new EntrySaver(dataset, { conditional: true });
    const added = await applyToAll(once([stored(line)]), { kind: 'add', label: 'summer' }, saver, () => undefined, new Date(0));
    dataset.lines.set('s3://photos/a.png', stored(classificationLine('s3://photos/a.png', 'tulip')));
    const removed = await applyToAll(once([...added.lines.values()]), { kind: 'remove', label: 'summer' }, saver, () => undefined, new Date(0));
    expect(removed).toMatchObject({ changed: 0, skipped: ['s3://photos/a.png'] });
    expect(dataset.lines.get('s3://photos/a.png')).toBe(stored(classificationLine('s3://photos/a.png', 'tulip')));
  });
});
