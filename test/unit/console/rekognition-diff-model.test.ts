import { describe, expect, it } from 'vitest';
import { addPage, boxText, changeCount, EMPTY_READING, readChange, readDiff } from '../../../console/src/rekognition/history/diff-model.js';
import type { ChangeWire } from '../../../console/src/rekognition/history/history-model.js';
import { describeChange } from '../../../src/domain/rekognition/history/entry-shapes.js';
import { validateLine } from '../../../src/domain/rekognition/manifest/validate-line.js';
import { classificationLine, detectionLine } from '../../harness/rekognition.js';

/** A change as DiffDatasetRevisions answers it, for two stored lines (labels and boxes by the server's own comparison). */
function change(before: string | undefined, after: string | undefined): ChangeWire {
  const row = (line: string | undefined) => {
    if (line === undefined) return undefined;
    const outcome = validateLine(line);
    if (outcome.kind !== 'entry') throw new Error(outcome.message);
    // As ingest stores it (src/domain/rekognition/ingest.ts).
    const { entry } = outcome;
    return { ...entry, labels: entry.labels.map((label) => [label.name, label.boxes] as const) };
  };
  const [b, a] = [row(before), row(after)];
  const shapes = describeChange(b, a);
  return {
    sourceRef: (a ?? b)!.sourceRef, change: !b ? 'ADDED' : !a ? 'REMOVED' : 'CHANGED', ...(b ? { before: b.line } : {}), ...(a ? { after: a.line } : {}), ...shapes,
  };
}

const REF = 's3://bucket/tulips.png';
const tulip = { label: 'tulip', left: 10, top: 20, width: 100, height: 80 };
const rose = { label: 'rose', left: 200, top: 40, width: 60, height: 60 };

describe('the Rekognition diff model', () => {
  it('reads a changed entry: both sides as the entry view draws them, labels and boxes gained and lost, the fields of the line that changed', () => {
    const model = readChange(change(detectionLine(REF, [tulip, rose]), detectionLine(REF, [tulip, { ...rose, label: 'daisy', left: 210 }])));
    expect(model.kind).toBe('changed');
    expect(model.before!.boxes.map((b) => b.label)).toEqual(['tulip', 'rose']);
    expect(model.after!.boxes.map((b) => b.label)).toEqual(['tulip', 'daisy']);
    expect([model.labelsAdded, model.labelsRemoved]).toEqual([['daisy'], ['rose']]);
    expect(model.boxesAdded.map(boxText)).toEqual(['daisy at 210, 40, 60 × 60']);
    expect(model.boxesRemoved.map(boxText)).toEqual(['rose at 200, 40, 60 × 60']);
    expect(model.fields.map((f) => [f.path.join('/'), f.before, f.after])).toEqual([
      ['bounding-box/annotations/1/left', 200, 210],
      ['bounding-box-metadata/class-map/1', 'rose', 'daisy'],
    ]);
    expect(boxText({ label: null, left: 1, top: 2, width: 3, height: 4 })).toBe('a class not in the class-map at 1, 2, 3 × 4');
  });

  it('reads added and removed entries as one side, with no field changes', () => {
    const added = readChange(change(undefined, classificationLine(REF, 'tulip')));
    expect(added).toMatchObject({ kind: 'added', before: undefined, labelsAdded: ['tulip'], fields: [] });
    expect(added.after!.imageLabels.map((l) => l.name)).toEqual(['tulip']);
    expect(readChange(change(classificationLine(REF, 'rose'), undefined))).toMatchObject({ kind: 'removed', after: undefined, labelsRemoved: ['rose'] });
  });

  it('gathers pages by kind until it holds enough, going on where it stopped; empty pages with a token are walked', async () => {
    const changes = Array.from({ length: 5 }, (_, i) => change(undefined, classificationLine(`s3://bucket/${i}.png`, 'rose')));
    const pages: Record<string, { changes: ChangeWire[]; nextToken?: string }> = {
      first: { changes: changes.slice(0, 2), nextToken: 'a' },
      a: { changes: [], nextToken: 'b' },
      b: { changes: [...changes.slice(2, 3), change(classificationLine(REF, 'rose'), undefined)], nextToken: 'c' },
      c: { changes: changes.slice(3), nextToken: undefined },
    };
    const asked: (string | undefined)[] = [];
    const fetchPage = async (token: string | undefined) => {
      asked.push(token);
      return { from: { revision: 1 }, to: { revision: 4 }, ...pages[token ?? 'first'] };
    };
    const seen: number[] = [];
    const first = await readDiff(fetchPage, EMPTY_READING, 3, (reading) => seen.push(changeCount(reading)));
    expect(asked).toEqual([undefined, 'a', 'b']);
    expect(seen).toEqual([2, 2, 4]);
    expect([first.added.length, first.removed.length, first.nextToken]).toEqual([3, 1, 'c']);
    const all = await readDiff(fetchPage, first, 3);
    expect(asked).toEqual([undefined, 'a', 'b', 'c']);
    expect(all.added.map((c) => c.sourceRef)).toEqual(changes.map((c) => c.sourceRef));
    expect(all).toMatchObject({ nextToken: undefined, from: { revision: 1 }, to: { revision: 4 } });
    expect(addPage(EMPTY_READING, { from: { revision: 1 }, to: { revision: 2 }, changes: [] })).toMatchObject({ changed: [], added: [], removed: [], nextToken: undefined });
  });
});
