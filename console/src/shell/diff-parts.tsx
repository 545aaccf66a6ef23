import type { ReactNode } from 'react';
import { diffWords, formatPath } from '../agentcore/version-diff.js';
import type { FieldChange } from '../agentcore/version-diff.js';
import { count } from '../lib/format.js';

// The parts every diff view of the console shares (AgentCore versions, Rekognition revisions):
// the tabs of kinds of difference with their counts, and the table of changed fields with the
// changed words marked.

export type DiffKind = 'changed' | 'added' | 'removed';

export const DIFF_KINDS: readonly DiffKind[] = ['changed', 'added', 'removed'];

/** The first kind that has something (the tab a diff opens on), else `changed`. */
export function firstKind(counts: Readonly<Record<DiffKind, number>>): DiffKind {
  return DIFF_KINDS.find((kind) => counts[kind] > 0) ?? 'changed';
}

/** Tabs of changed, added and removed with their counts (`more`: a count may still grow, shown as `40+`); `extra` follows them. */
export function KindTabs({ counts, selected, onSelect, more = false, extra }: {
  counts: Readonly<Record<DiffKind, number>>; selected: DiffKind; onSelect: (kind: DiffKind) => void; more?: boolean; extra?: ReactNode;
}) {
  return (
    <div role="tablist" aria-label="Kinds of difference" className="tabs">
      {DIFF_KINDS.map((kind) => (
        <button key={kind} role="tab" type="button" aria-selected={selected === kind} onClick={() => onSelect(kind)} className={`tab tab-${kind}`}>
          {count(counts[kind])}{more ? '+' : ''} {kind}
        </button>
      ))}
      {extra}
    </div>
  );
}

/** Each changed field with its value before and after, the changed words marked. */
export function FieldChangesTable({ changes, caption, small = false }: { changes: readonly FieldChange[]; caption?: string; small?: boolean }) {
  return (
    <table className={`field-changes${small ? ' small' : ''}`}>
      {caption && <caption>{caption}</caption>}
      <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
      <tbody>
        {changes.map((field) => (
          <tr key={formatPath(field.path)} className={`diff-${field.kind}`}>
            <th scope="row"><code>{formatPath(field.path)}</code></th>
            <td>{field.kind === 'added' ? <span className="muted">(absent)</span> : <Side value={field.before} other={field.after} side="before" />}</td>
            <td>{field.kind === 'removed' ? <span className="muted">(absent)</span> : <Side value={field.after} other={field.before} side="after" />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One side of a changed field: two texts show the words that changed, anything else the whole value. */
function Side({ value, other, side }: { value: unknown; other: unknown; side: 'before' | 'after' }) {
  const Mark = side === 'before' ? 'del' : 'ins';
  if (typeof value !== 'string' || typeof other !== 'string') {
    return <Mark className="value whole">{typeof value === 'string' ? value : JSON.stringify(value)}</Mark>;
  }
  const parts = side === 'before' ? diffWords(value, other) : diffWords(other, value);
  const hidden = side === 'before' ? 'added' : 'removed';
  return (
    <span className="value">
      {parts.filter((p) => p.kind !== hidden).map((part, i) => (part.kind === 'same' ? <span key={i}>{part.text}</span> : <Mark key={i}>{part.text}</Mark>))}
    </span>
  );
}
