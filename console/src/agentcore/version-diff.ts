// The difference between two versions of an AgentCore dataset, example by example: examples are
// matched by exampleId (AWS: the id is the example's identity; UpdateDatasetExamples replaces a
// whole example by it), then compared field by field so the view can highlight what changed.
// Pure: no DOM, no React.

export type Path = readonly (string | number)[];

export interface FieldChange {
  readonly path: Path;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ChangedExample {
  readonly exampleId: string;
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly changes: readonly FieldChange[];
}

export interface VersionDiff {
  readonly added: readonly Record<string, unknown>[];
  readonly removed: readonly Record<string, unknown>[];
  readonly changed: readonly ChangedExample[];
  readonly unchanged: number;
}

/** Examples as ListDatasetExamples returns them: `exampleId` plus the content. */
export type Example = Record<string, unknown>;

export function exampleIdOf(example: Example): string {
  const id = example['exampleId'];
  return typeof id === 'string' ? id : JSON.stringify(id);
}

/**
 * `before` and `after` in listing order; the result keeps that order (added and changed in
 * `after`'s order, removed in `before`'s).
 */
export function diffVersions(before: readonly Example[], after: readonly Example[]): VersionDiff {
  const old = new Map(before.map((example) => [exampleIdOf(example), example]));
  const seen = new Set<string>();
  const added: Example[] = [];
  const changed: ChangedExample[] = [];
  let unchanged = 0;
  for (const example of after) {
    const id = exampleIdOf(example);
    seen.add(id);
    const previous = old.get(id);
    if (!previous) {
      added.push(example);
      continue;
    }
    const changes = diffValues(withoutId(previous), withoutId(example));
    if (changes.length === 0) unchanged += 1;
    else changed.push({ exampleId: id, before: previous, after: example, changes });
  }
  const removed = before.filter((example) => !seen.has(exampleIdOf(example)));
  return { added, removed, changed, unchanged };
}

/**
 * The fields that differ between two JSON values: object members by name, array items by
 * position (a turn inserted early shows as changed turns plus one added at the end, which is
 * how a reader compares two conversations turn by turn anyway).
 */
export function diffValues(before: unknown, after: unknown, path: Path = []): FieldChange[] {
  if (Object.is(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const changes: FieldChange[] = [];
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) changes.push({ path: [...path, key], kind: 'removed', before: before[key] });
      else changes.push(...diffValues(before[key], after[key], [...path, key]));
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key)) changes.push({ path: [...path, key], kind: 'added', after: after[key] });
    }
    return changes;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: FieldChange[] = [];
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) changes.push(...diffValues(before[i], after[i], [...path, i]));
    for (let i = common; i < before.length; i++) changes.push({ path: [...path, i], kind: 'removed', before: before[i] });
    for (let i = common; i < after.length; i++) changes.push({ path: [...path, i], kind: 'added', after: after[i] });
    return changes;
  }
  return [{ path, kind: 'changed', before, after }];
}

/** `turns[1].expected_response` */
export function formatPath(path: Path): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += /^[A-Za-z_$][\w$-]*$/.test(part) ? (text ? `.${part}` : part) : `[${JSON.stringify(part)}]`;
  }
  return text || '(whole example)';
}

/** How a path relates to the changes: itself changed, or something inside it changed. */
export function changeAt(changes: readonly FieldChange[], path: Path): FieldChange['kind'] | 'inside' | undefined {
  let inside = false;
  for (const change of changes) {
    if (change.path.length === path.length && change.path.every((p, i) => p === path[i])) return change.kind;
    if (change.path.length > path.length && path.every((p, i) => p === change.path[i])) inside = true;
  }
  return inside ? 'inside' : undefined;
}

function withoutId(example: Example): Example {
  const { exampleId: _id, ...rest } = example;
  return rest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface WordPart {
  readonly text: string;
  readonly kind: 'same' | 'removed' | 'added';
}

/** Longest inputs the word diff compares; longer texts are shown as replaced whole (the LCS table is n × m). */
const MAX_WORDS = 600;

/**
 * The words of `before` and `after` marked same, removed or added (a longest-common-subsequence
 * diff over words and the spaces between them), so a changed sentence shows what changed in it.
 */
export function diffWords(before: string, after: string): WordPart[] {
  const a = before.split(/(\s+)/).filter((t) => t !== '');
  const b = after.split(/(\s+)/).filter((t) => t !== '');
  if (a.length > MAX_WORDS || b.length > MAX_WORDS) {
    return [...(before ? [{ text: before, kind: 'removed' as const }] : []), ...(after ? [{ text: after, kind: 'added' as const }] : [])];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const parts: WordPart[] = [];
  const push = (text: string, kind: WordPart['kind']) => {
    const last = parts[parts.length - 1];
    if (last?.kind === kind) parts[parts.length - 1] = { text: last.text + text, kind };
    else parts.push({ text, kind });
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      push(a[i], 'same');
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      push(a[i++], 'removed'); // removals before additions, as diffs are read
    } else {
      push(b[j++], 'added');
    }
  }
  return parts;
}
