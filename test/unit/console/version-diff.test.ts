import { describe, expect, it } from 'vitest';
import { changeAt, diffValues, diffVersions, diffWords, formatPath } from '../../../console/src/agentcore/version-diff.js';

const turn = (input: string, expected?: string) => (expected === undefined ? { input } : { input, expected_response: expected });

describe('diffVersions: two versions of an AgentCore dataset, example by example', () => {
  const v1 = [
    { exampleId: 'a', scenario_id: 'a', turns: [turn('hi', 'hello')] },
    { exampleId: 'b', scenario_id: 'b', turns: [turn('q', 'old answer')], assertions: ['x', 'y'] },
    { exampleId: 'c', scenario_id: 'c', turns: [turn('gone')] },
  ];
  const v2 = [
    { exampleId: 'a', scenario_id: 'a', turns: [turn('hi', 'hello')] },
    { exampleId: 'b', scenario_id: 'b', turns: [turn('q', 'new answer'), turn('more')], assertions: ['x'] },
    { exampleId: 'd', scenario_id: 'd', turns: [turn('new')] },
  ];

  it('matches examples by exampleId: added, removed, changed, unchanged', () => {
    const diff = diffVersions(v1, v2);
    expect(diff.added.map((e) => e.exampleId)).toEqual(['d']);
    expect(diff.removed.map((e) => e.exampleId)).toEqual(['c']);
    expect(diff.changed.map((e) => e.exampleId)).toEqual(['b']);
    expect(diff.unchanged).toBe(1);
  });

  it('names each changed field with its before and after values', () => {
    const [b] = diffVersions(v1, v2).changed;
    expect(b.changes).toEqual([
      { path: ['turns', 0, 'expected_response'], kind: 'changed', before: 'old answer', after: 'new answer' },
      { path: ['turns', 1], kind: 'added', after: { input: 'more' } },
      { path: ['assertions', 1], kind: 'removed', before: 'y' },
    ]);
    expect(b.changes.map((c) => formatPath(c.path))).toEqual(['turns[0].expected_response', 'turns[1]', 'assertions[1]']);
  });

  it('ignores member order inside an example (the server may reorder keys)', () => {
    const diff = diffVersions([{ exampleId: 'a', x: 1, y: { p: 1, q: 2 } }], [{ y: { q: 2, p: 1 }, x: 1, exampleId: 'a' }]);
    expect(diff).toEqual({ added: [], removed: [], changed: [], unchanged: 1 });
  });

  it('reports a type change as a change of the whole value', () => {
    expect(diffValues({ input: 'text' }, { input: { text: 'text' } })).toEqual([
      { path: ['input'], kind: 'changed', before: 'text', after: { text: 'text' } },
    ]);
    expect(diffValues(null, {})).toEqual([{ path: [], kind: 'changed', before: null, after: {} }]);
  });

  it('tells the view where a change is: at a path, or inside it', () => {
    const changes = diffValues({ turns: [{ input: 'a' }] }, { turns: [{ input: 'b' }] });
    expect(changeAt(changes, ['turns', 0, 'input'])).toBe('changed');
    expect(changeAt(changes, ['turns', 0])).toBe('inside');
    expect(changeAt(changes, ['turns'])).toBe('inside');
    expect(changeAt(changes, ['assertions'])).toBeUndefined();
  });

  it('formats unusual member names unambiguously', () => {
    expect(formatPath(['metadata', 'trace id', 0])).toBe('metadata["trace id"][0]');
    expect(formatPath([])).toBe('(whole example)');
  });
});

describe('diffWords: what changed inside a text', () => {
  it('marks the words removed and added, keeping the rest', () => {
    expect(diffWords('returns within 30 days with the receipt.', 'returns within 45 days with the receipt or the order number.')).toEqual([
      { text: 'returns within ', kind: 'same' },
      { text: '30', kind: 'removed' },
      { text: '45', kind: 'added' },
      { text: ' days with the ', kind: 'same' },
      { text: 'receipt.', kind: 'removed' },
      { text: 'receipt or the order number.', kind: 'added' },
    ]);
  });

  it('rebuilds both texts exactly', () => {
    const before = 'a b  c d\ne';
    const after = 'a x c\nd e f';
    const parts = diffWords(before, after);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
  });

  it('shows very long texts as replaced whole instead of building a huge table', () => {
    const long = Array.from({ length: 700 }, (_, i) => `w${i}`).join(' ');
    expect(diffWords(long, `${long} more`)).toEqual([{ text: long, kind: 'removed' }, { text: `${long} more`, kind: 'added' }]);
    expect(diffWords('', 'new')).toEqual([{ text: 'new', kind: 'added' }]);
  });
});
