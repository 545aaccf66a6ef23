// One label added to (or removed from) many entries at once: the entries chosen in the grid, or
// every entry its filters match. Entries are read as listed, edited with entry-edit.ts, and saved
// in batches through the EntrySaver (each batch one UpdateDatasetEntries, conditional on the
// versions read). An entry someone changed meanwhile is left as it is and reported; the rest of
// its batch is saved. Pure: the listing and the saver are passed in.

import { readEntry } from '../entry-model.js';
import { addImageLabel, editableLine, lineText, removeImageLabel } from './entry-edit.js';
import type { Edit, EntrySaver, SavePhase } from './entry-saver.js';

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
  /** The changed entries' lines as read back after their batch was saved (when the saver read them back). */
  readonly read: ReadonlyMap<string, string>;
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
  const read = new Map<string, string>();
  const flush = async (): Promise<unknown> => {
    while (batch.length > 0) {
      const result = await saver.save(batch, (phase) => onProgress({ ...progress, phase }));
      if (result.kind === 'failed') return result.error ?? new Error('The save failed.');
      if (result.kind === 'saved') {
        progress = { ...progress, changed: progress.changed + batch.length };
        last = { status: result.status, message: result.message };
        for (const [ref, line] of result.lines) read.set(ref, line);
        batch = [];
      } else {
        // Leave the changed entries alone and save the others.
        const changed = new Set(result.conflicts.map((c) => c.sourceRef));
        if (changed.size === 0) return new Error('The save was refused without naming the entries that changed.');
        progress = { ...progress, skipped: [...progress.skipped, ...batch.filter((e) => changed.has(e.sourceRef)).map((e) => e.sourceRef)] };
        batch = batch.filter((e) => !changed.has(e.sourceRef));
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
        if (edited === undefined) progress = { ...progress, unchanged: progress.unchanged + 1 };
        else batch.push({ sourceRef: readEntry(line).sourceRef, line: edited, base: line });
        if (batch.length >= BATCH) {
          const failed = await flush();
          if (failed) return { ...progress, read, failed };
        }
      }
      onProgress(progress);
    }
    const failed = await flush();
    return { ...progress, ...last, read, ...(failed ? { failed } : {}) };
  } catch (error) {
    return { ...progress, read, failed: error };
  }
}
