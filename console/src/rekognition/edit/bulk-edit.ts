// One label added to (or removed from) many entries at once: the entries chosen in the grid, or
// every entry its filters match. Entries are read as listed, edited with entry-edit.ts, and saved
// in batches through the EntrySaver (each batch one UpdateDatasetEntries, conditional on the
// versions read). An entry someone changed meanwhile is left as it is and reported; the rest of
// its batch is saved. What each entry is listed as afterwards is known from the line sent and the
// batch's outcome, so a next change builds on it without reading every entry again. Pure: the
// listing and the saver are passed in.

import { readEntry } from '../entry-model.js';
import { addImageLabel, editableLine, lineText, listedLine, removeImageLabel, sameContent } from './entry-edit.js';
import type { Conflict, Edit, EntrySaver, SavePhase } from './entry-saver.js';

/** Lines saved per UpdateDatasetEntries: far below its 5 MB, and a batch is applied in a moment. */
export const BATCH = 500;

export type BulkChange = { readonly kind: 'add' | 'remove'; readonly label: string };

export interface BulkProgress {
  /** Entries looked at so far. */
  readonly seen: number;
  /** Entries changed and saved. */
  readonly changed: number;
  /** Entries that needed no change (already had the label, or did not have it). */
  readonly unchanged: number;
  /** Entries left as they were because someone changed them since they were read. */
  readonly skipped: readonly string[];
  readonly phase?: SavePhase;
}

export type BulkOutcome = BulkProgress & {
  readonly failed?: unknown; readonly status?: string; readonly message?: string;
  /**
   * The entries looked at, each as it is listed after the change (the base of a next one): read
   * back after its batch when the saver read it; else the line sent as Trove lists it (listedLine)
   * once its batch was applied, or the line it had (a batch failed as a whole, an entry that needed
   * no change). Not the entries left for a conflict (changed meanwhile), nor a failed batch's.
   */
  readonly lines: ReadonlyMap<string, string>;
};

/** The line with the change made, or undefined when it needs none. */
export function bulkEdit(line: string, change: BulkChange, now: Date): string | undefined {
  const entry = readEntry(line);
  const has = entry.imageLabels.some((label) => label.name === change.label);
  if ((change.kind === 'add') === has) return undefined;
  const edited = editableLine(line);
  return lineText(change.kind === 'add' ? addImageLabel(edited, change.label, now) : removeImageLabel(edited, change.label));
}

/**
 * Applies `change` to every line `lines` yields (pages of listed lines), saving as it goes.
 * `onProgress` is told after each batch. Stops at the first batch that fails.
 */
export async function applyToAll(lines: AsyncIterable<readonly string[]>, change: BulkChange, saver: EntrySaver, onProgress: (progress: BulkProgress) => void, now = new Date()): Promise<BulkOutcome> {
  let progress: BulkProgress = { seen: 0, changed: 0, unchanged: 0, skipped: [] };
  let batch: Edit[] = [];
  let last: { status?: string; message?: string } = {};
  const listed = new Map<string, string>();
  const flush = async (): Promise<unknown> => {
    while (batch.length > 0) {
      const result = await saver.save(batch, (phase) => onProgress({ ...progress, phase }));
      if (result.kind === 'failed') return result.error ?? new Error('The save failed.');
      if (result.kind === 'saved') {
        progress = { ...progress, changed: progress.changed + batch.length };
        last = { status: result.status, message: result.message };
        // A batch rejected as a whole (UPDATE_FAILED) changed nothing.
        const applied = result.status !== 'UPDATE_FAILED';
        for (const edit of batch) {
          const line = result.readBack ? result.lines.get(edit.sourceRef) : applied ? listedLine(edit.line) : edit.base;
          if (line !== undefined) listed.set(edit.sourceRef, line);
        }
        batch = [];
      } else {
        const { adopted, changed } = settleConflicts(batch, result.conflicts);
        if (adopted.size + changed.size === 0) return new Error('The save was refused without naming the entries that changed.');
        // Leave the changed entries alone and save the others; an entry whose content is the one
        // it was edited from (only what Trove recomputes differs: a base built from a line sent)
        // is edited again from the line it is listed as.
        progress = { ...progress, skipped: [...progress.skipped, ...batch.filter((e) => changed.has(e.sourceRef)).map((e) => e.sourceRef)] };
        const next: Edit[] = [];
        for (const edit of batch) {
          const current = adopted.get(edit.sourceRef);
          if (current === undefined) {
            if (!changed.has(edit.sourceRef)) next.push(edit);
            continue;
          }
          const edited = bulkEdit(current, change, now);
          if (edited !== undefined) next.push({ sourceRef: edit.sourceRef, line: edited, base: current });
          else {
            progress = { ...progress, unchanged: progress.unchanged + 1 };
            listed.set(edit.sourceRef, current);
          }
        }
        batch = next;
      }
      onProgress(progress);
    }
    return undefined;
  };
  try {
    for await (const page of lines) {
      for (const line of page) {
        progress = { ...progress, seen: progress.seen + 1 };
        const edited = bulkEdit(line, change, now);
        if (edited === undefined) {
          progress = { ...progress, unchanged: progress.unchanged + 1 };
          listed.set(readEntry(line).sourceRef, line);
        } else batch.push({ sourceRef: readEntry(line).sourceRef, line: edited, base: line });
        if (batch.length >= BATCH) {
          const failed = await flush();
          if (failed) return { ...progress, lines: listed, failed };
        }
      }
      onProgress(progress);
    }
    const failed = await flush();
    return { ...progress, ...last, lines: listed, ...(failed ? { failed } : {}) };
  } catch (error) {
    return { ...progress, lines: listed, failed: error };
  }
}

/**
 * A refused batch's conflicts, sorted: `adopted`, entries listed with the content they were
 * edited from (their line as listed now); `changed`, entries someone changed meanwhile, or that
 * are gone. A conflict answered without its line (past the answer's 100 entries or 1 MB) is in
 * neither, and is asked again with the rest of the batch, unless nothing else could be sorted.
 */
function settleConflicts(batch: readonly Edit[], conflicts: readonly Conflict[]): { adopted: Map<string, string>; changed: Set<string> } {
  const bases = new Map(batch.map((edit) => [edit.sourceRef, edit.base]));
  const adopted = new Map<string, string>();
  const changed = new Set<string>();
  const unanswered: string[] = [];
  for (const conflict of conflicts) {
    const base = bases.get(conflict.sourceRef);
    const line = conflict.current?.line;
    if (conflict.current === null || base === undefined) changed.add(conflict.sourceRef);
    else if (line === undefined) unanswered.push(conflict.sourceRef);
    else if (sameContent(line, base)) adopted.set(conflict.sourceRef, line);
    else changed.add(conflict.sourceRef);
  }
  if (adopted.size + changed.size === 0) for (const ref of unanswered) changed.add(ref);
  return { adopted, changed };
}
