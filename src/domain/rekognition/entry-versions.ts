// Which version of an entry a client saw, so a change can be made only if nobody changed the
// entry since (Trove's UpdateDatasetEntriesIfUnchanged, docs/trove-api.md). An entry's version
// is the SHA-256 of its line exactly as ListDatasetEntries returns it: a client computes it from
// the text it already holds, without another read, and equal lines are the same version (a save
// that changed nothing conflicts with nobody). Row revisions (created_rev) would name a version
// too, but no AWS answer carries them, so a client could not know which one it saw.

import { createHash } from 'node:crypto';
import type { LiveEntry } from '../../store/records.js';
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
  /** The entry now (its version, and its line while the answer has room for it), or undefined when there is none. */
  readonly current?: { readonly version: string; readonly line?: string };
}

/** The change was refused: these entries are no longer what the client saw. Nothing was accepted. */
export class EntriesChanged extends Error {
  constructor(readonly conflicts: readonly EntryConflict[]) {
    super(`${conflicts.length} of the entries changed since they were read; nothing was changed.`);
    this.name = 'EntriesChanged';
  }
}

/** Source-refs judged at a time (their rows read without lines; the lines then a page budget at a time). */
const CHUNK = 200;
/** Current lines kept to send back with conflicts, at most this many characters in all (versions are always kept). */
export const MAX_CONFLICT_CHARS = 1_000_000;

interface Seen {
  /** The revision that wrote the committed row read; `absent`: there was none; `unknown`: to be read again. */
  readonly rev: number | 'absent' | 'unknown';
  readonly conflict: EntryConflict | undefined;
}

/**
 * Checks `expected` against the dataset's live entries in two steps, so that the work grows
 * with the request but the database's write lock is held only for index probes:
 *
 * - `prepare` (before the accepting transaction) reads the live rows chunk by chunk and their
 *   lines a page budget at a time (`pageReadBytes`), hashes them and keeps, per source-ref, the
 *   revision that wrote the row and the conflict it makes (lines kept only within
 *   MAX_CONFLICT_CHARS). Rows written after the committed revision `revision` (a change still
 *   being applied) are not judged: they may yet be discarded;
 * - `check` (inside the transaction, after the status moved, when no other change can be applied
 *   or accepted) reads only the revision of each live row: a committed row never changes, so a
 *   row that is still the one read keeps its verdict; the others are read and judged there.
 */
export class ExpectationCheck {
  readonly #seen = new Map<string, Seen>();
  #budget = MAX_CONFLICT_CHARS;

  constructor(private readonly datasetId: number, private readonly expected: readonly EntryExpectation[]) {}

  /** `revision`: the dataset's committed revision when it was read (before this call). */
  async prepare(db: Pick<Repositories, 'rkEntries'>, revision: number): Promise<void> {
    await this.#judge(db, this.expected, revision, false);
  }

  /** The expectations broken now; run inside the transaction that accepts the change. */
  async check(tx: Repositories): Promise<EntryConflict[]> {
    const revisions = await tx.rkEntries.liveRevisions(this.datasetId, this.expected.map((e) => e.sourceRef));
    const moved = this.expected.filter((e) => {
      const seen = this.#seen.get(e.sourceRef)?.rev ?? 'unknown';
      return seen === 'unknown' || (revisions.get(e.sourceRef) ?? 'absent') !== seen;
    });
    // Nothing is being applied now (the status just moved out of a settled one): every live row is committed.
    if (moved.length > 0) await this.#judge(tx, moved, Number.MAX_SAFE_INTEGER, true);
    return this.expected.map((e) => this.#seen.get(e.sourceRef)?.conflict).filter((c): c is EntryConflict => c !== undefined);
  }

  /**
   * Judges `expected` against the live rows, CHUNK source-refs at a time. The rows are read
   * without their lines first; the lines to hash are then read a page budget at a time
   * (readLines), in the order of `expected` (which conflicts keep their lines within the budget).
   * `final`: in the accepting transaction, where no later look comes, so a row whose line is gone
   * between the two reads is judged absent (a version expected of it conflicts) rather than left unknown.
   */
  async #judge(db: Pick<Repositories, 'rkEntries'>, expected: readonly EntryExpectation[], committed: number, final: boolean): Promise<void> {
    for (let i = 0; i < expected.length; i += CHUNK) {
      const chunk = expected.slice(i, i + CHUNK);
      const live = new Map((await db.rkEntries.findLive(this.datasetId, chunk.map((e) => e.sourceRef))).map((row) => [row.sourceRef, row]));
      const judged: LiveEntry[] = [];
      for (const expectation of chunk) {
        const row = live.get(expectation.sourceRef);
        if (row === undefined) this.#verdict(expectation, undefined);
        else if (row.createdRev > committed) this.#seen.set(expectation.sourceRef, { rev: 'unknown', conflict: undefined });
        else judged.push(row);
      }
      const byRef = new Map(chunk.map((e) => [e.sourceRef, e]));
      await db.rkEntries.readLines(this.datasetId, judged, (row, line) => {
        // Gone since findLive read it: outside a transaction (purged), `check` reads it again.
        if (line === undefined && !final) this.#seen.set(row.sourceRef, { rev: 'unknown', conflict: undefined });
        else this.#verdict(byRef.get(row.sourceRef)!, line === undefined ? undefined : { rev: row.createdRev, line });
      });
    }
  }

  /** Records whether `expectation` holds for the live row `row` (undefined: there is none). */
  #verdict(expectation: EntryExpectation, row: { rev: number; line: string } | undefined): void {
    const version = row === undefined ? undefined : entryVersion(row.line);
    const holds = 'absent' in expectation ? row === undefined : version === expectation.version;
    let conflict: EntryConflict | undefined;
    if (!holds) {
      const keep = row !== undefined && row.line.length <= this.#budget;
      if (keep) this.#budget -= row.line.length;
      conflict = { sourceRef: expectation.sourceRef, expected: expectation, current: row && { version: version!, ...(keep ? { line: row.line } : {}) } };
    }
    this.#seen.set(expectation.sourceRef, { rev: row?.rev ?? 'absent', conflict });
  }
}
