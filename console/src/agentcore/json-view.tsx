import type { ReactNode } from 'react';
import type { FieldChange, Path } from '../agentcore/version-diff.js';
import { changeAt } from '../agentcore/version-diff.js';

/**
 * JSON as an indented tree of spans, with the members that changed marked (class `diff-added`,
 * `diff-removed`, `diff-changed`) when `changes` are given.
 */
export function JsonView({ value, changes = [], side = 'after' }: { value: unknown; changes?: readonly FieldChange[]; side?: 'before' | 'after' }) {
  return <pre className="json">{render(value, [], changes, side, 0)}</pre>;
}

function mark(changes: readonly FieldChange[], path: Path, side: 'before' | 'after'): string | undefined {
  const kind = changeAt(changes, path);
  if (kind === 'changed') return 'diff-changed';
  if (kind === 'added' && side === 'after') return 'diff-added';
  if (kind === 'removed' && side === 'before') return 'diff-removed';
  return undefined;
}

function render(value: unknown, path: Path, changes: readonly FieldChange[], side: 'before' | 'after', depth: number): ReactNode {
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return (
      <>
        {'[\n'}
        {value.map((item, i) => (
          <span key={i} className={mark(changes, [...path, i], side)}>
            {pad}{render(item, [...path, i], changes, side, depth + 1)}{i < value.length - 1 ? ',' : ''}{'\n'}
          </span>
        ))}
        {close}]
      </>
    );
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return (
      <>
        {'{\n'}
        {entries.map(([key, item], i) => (
          <span key={key} className={mark(changes, [...path, key], side)}>
            {pad}<span className="json-key">{JSON.stringify(key)}</span>: {render(item, [...path, key], changes, side, depth + 1)}{i < entries.length - 1 ? ',' : ''}{'\n'}
          </span>
        ))}
        {close}{'}'}
      </>
    );
  }
  return <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>;
}
