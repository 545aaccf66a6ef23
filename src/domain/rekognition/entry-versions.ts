// Which version of an entry a client saw, so a change can be made only if nobody changed the
// entry since (Trove's UpdateDatasetEntriesIfUnchanged, docs/trove-api.md). An entry's version
// is the SHA-256 of its line exactly as ListDatasetEntries returns it: a client computes it from
// the text it already holds, without another read, and equal lines are the same version (a save
// that changed nothing conflicts with nobody). Row revisions (created_rev) would name a version
// too, but no AWS answer carries them, so a client could not know which one it saw.

import { createHash } from 'node:crypto';
import type { Repositories } from '../../store/store.js';

/** The version of an entry: lowercase hex SHA-256 of its line's UTF-8 bytes. */
export function entryVersion(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

/** What a conditional change expects one entry to be now. */
export type EntryExpectation =
  | { readonly sourceRef: string; readonly version: string }
  /** No entry with this source-ref (a new image must not replace one someone else added). */
  | { readonly sourceRef: string; readonly absent: true };

/** One entry that is not what the change expected, with what it is now. */
export interface EntryConflict {
  readonly sourceRef: string;
  readonly expected: EntryExpectation;
  /** The entry now (its version and line), or undefined when there is none. */
  readonly current?: { readonly version: string; readonly line: string };
}

/** The change was refused: these entries are no longer what the client saw. Nothing was accepted. */
export class EntriesChanged extends Error {
  constructor(readonly conflicts: readonly EntryConflict[]) {
    super(`${conflicts.length} of the entries changed since they were read; nothing was changed.`);
    this.name = 'EntriesChanged';
  }
}

/**
 * The expectations the dataset's live entries break. Run inside the transaction that accepts the
 * change, after it moved the dataset out of a settled status: no other change can then be
 * applied or accepted until this one is, so what is checked is exactly what the change applies to.
 */
export async function brokenExpectations(tx: Repositories, datasetId: number, expected: readonly EntryExpectation[]): Promise<EntryConflict[]> {
  const live = new Map((await tx.rkEntries.findLive(datasetId, expected.map((e) => e.sourceRef))).map((row) => [row.sourceRef, row.line]));
  const conflicts: EntryConflict[] = [];
  for (const expectation of expected) {
    const line = live.get(expectation.sourceRef);
    const current = line === undefined ? undefined : { version: entryVersion(line), line };
    const holds = 'absent' in expectation ? current === undefined : current?.version === expectation.version;
    if (!holds) conflicts.push({ sourceRef: expectation.sourceRef, expected: expectation, current });
  }
  return conflicts;
}
