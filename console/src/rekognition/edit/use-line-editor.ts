import { useMemo, useState } from 'react';
import { validateLine } from '../../../../src/domain/rekognition/manifest/validate-line.js';
import { readEntry } from '../entry-model.js';
import type { EntryModel } from '../entry-model.js';
import { editableLine, lineText } from './entry-edit.js';
import type { Json } from './entry-edit.js';

export interface LineEditor {
  /** The line being edited (service keys removed). */
  readonly line: Json;
  /**
   * What the edited line will look like once saved: Trove's own line validator (bundled from
   * src/domain/rekognition/manifest) runs here, so box and label errors appear and disappear as
   * the line is edited. Image checks run on the server when it is saved.
   */
  readonly preview: EntryModel;
  /** Why Trove would drop the line (a terminal content error), when it would. */
  readonly dropped: string | undefined;
  /** Edits not saved yet (undoing all of them makes the entry clean again). */
  readonly dirty: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  apply(edit: (line: Json) => Json): void;
  undo(): void;
  redo(): void;
  /** Forgets every unsaved edit. */
  discard(): void;
}

/**
 * The unsaved edits of one entry, with undo and redo. `entry` is the entry as listed (or read
 * back after a save): when it changes, the edits start again from it.
 */
export function useLineEditor(entry: EntryModel): LineEditor {
  const [state, setState] = useState(() => fresh(entry));
  if (state.of !== entry.line) setState(fresh(entry));
  const { history, index } = state.of === entry.line ? state : fresh(entry);
  const line = history[index];
  const text = lineText(line);
  const dirty = text !== lineText(history[0]);
  const { preview, dropped } = useMemo(() => {
    if (!dirty) return { preview: entry, dropped: undefined };
    const outcome = validateLine(text);
    if (outcome.kind === 'dropped') return { preview: readEntry(text), dropped: outcome.message };
    return { preview: readEntry(outcome.entry.line), dropped: undefined };
  }, [dirty, text, entry]);
  return {
    line, preview, dropped, dirty,
    canUndo: index > 0,
    canRedo: index < history.length - 1,
    apply: (edit) => setState((s) => {
      const next = edit(s.history[s.index]);
      if (next === s.history[s.index]) return s;
      return { ...s, history: [...s.history.slice(0, s.index + 1), next], index: s.index + 1 };
    }),
    undo: () => setState((s) => ({ ...s, index: Math.max(0, s.index - 1) })),
    redo: () => setState((s) => ({ ...s, index: Math.min(s.history.length - 1, s.index + 1) })),
    discard: () => setState(fresh(entry)),
  };
}

function fresh(entry: EntryModel): { of: string; history: Json[]; index: number } {
  let line: Json;
  try {
    line = editableLine(entry.line);
  } catch {
    line = { 'source-ref': entry.sourceRef };
  }
  return { of: entry.line, history: [line], index: 0 };
}
