import type { StoredEntry } from '../../../store/records.js';
import type { RevisionRecord } from '../../../store/rk-history-records.js';
import type { Repositories } from '../../../store/store.js';
import { assertReadable } from './revision-points.js';

/** One entry that differs between two revisions: its version at the older one, at the newer one, or both. */
export interface EntryPair {
  readonly sourceRef: string;
  readonly before?: StoredEntry;
  readonly after?: StoredEntry;
}

/**
 * Where a diff walk is: first the rows the older revision had and the newer one no longer has
 * (superseded between them, by (deleted_rev, id)), then the rows the newer one created (by id).
 */
export type DiffCursor = { readonly phase: 'superseded'; readonly rev: number; readonly id: number } | { readonly phase: 'created'; readonly id: number };

export interface DiffStep {
  /** The pairs found, each with the cursor that resumes right after it. */
  readonly pairs: readonly { readonly pair: EntryPair; readonly cursor: DiffCursor }[];
  /** Where the next step starts; undefined when the walk is done. */
  readonly next?: DiffCursor;
}

/**
 * One step of the difference between the entries of `older` and `newer` (older.revision <=
 * newer.revision), looking at up to `limit` row versions (fewer when their lines, or those of
 * their versions at the newer revision, pass the store's page budget: byte-pages.ts). Its cost
 * is proportional to what changed between the two, not to the dataset's size: each side is an
 * index range, and each row's counterpart is found by source-ref. An entry rewritten with the
 * very same line is not a difference. Afterwards both revisions are checked to be still
 * readable, so a garbage collection that ran meanwhile fails the step (EntriesCollected) instead
 * of hiding rows.
 */
export async function diffStep(
  repos: Repositories, datasetId: number, older: RevisionRecord, newer: RevisionRecord, cursor: DiffCursor | undefined, limit: number,
): Promise<DiffStep> {
  if (older.revision >= newer.revision) return { pairs: [] };
  const at = cursor ?? { phase: 'superseded', rev: older.revision + 1, id: 0 };
  const step = at.phase === 'superseded'
    ? await supersededStep(repos, datasetId, older, newer, at, limit)
    : await createdStep(repos, datasetId, older, newer, at.id, limit);
  await assertReadable(repos, datasetId, [older.revision, newer.revision]);
  return step;
}

async function supersededStep(
  repos: Repositories, datasetId: number, older: RevisionRecord, newer: RevisionRecord, after: { rev: number; id: number }, limit: number,
): Promise<DiffStep> {
  const page = await repos.rkEntryVersions.supersededBetween(datasetId, older.revision, newer.revision, after, limit);
  // Each row's version at the newer revision is read within the page budget too, with the row's
  // own line: a page of short lines whose newer versions are long pairs fewer rows.
  const { fit, found: later } = await repos.rkEntryVersions.pairedAt(datasetId, newer.revision, page.rows);
  const rows = page.rows.slice(0, fit);
  const more = page.more || fit < page.rows.length;
  const pairs = [];
  for (const { deletedRev, ...before } of rows) {
    const after = later.get(before.sourceRef);
    if (after?.line === before.line) continue;
    pairs.push({ pair: { sourceRef: before.sourceRef, before, after }, cursor: { phase: 'superseded', rev: deletedRev, id: before.id } as const });
  }
  const last = rows[rows.length - 1];
  // The older revision's rows have ids up to its watermark: the newer one's own rows come after it.
  const next: DiffCursor = more ? { phase: 'superseded', rev: last.deletedRev, id: last.id } : { phase: 'created', id: older.maxEntryId };
  return { pairs, next };
}

async function createdStep(
  repos: Repositories, datasetId: number, older: RevisionRecord, newer: RevisionRecord, afterId: number, limit: number,
): Promise<DiffStep> {
  const { rows, more } = await repos.rkEntryVersions.createdBetween(datasetId, afterId, newer.maxEntryId, newer.revision, limit);
  // A source-ref the older revision had was superseded in between: the first phase paired it.
  // Whether it had one is all this needs: its old line (up to 100,000 characters, for each of a
  // page of short new lines) is not read.
  const earlier = await repos.rkEntryVersions.existingAt(datasetId, older.revision, rows.map((row) => row.sourceRef));
  const pairs = rows.filter((row) => !earlier.has(row.sourceRef))
    .map((after) => ({ pair: { sourceRef: after.sourceRef, after }, cursor: { phase: 'created', id: after.id } as const }));
  return { pairs, next: more ? { phase: 'created', id: rows[rows.length - 1].id } : undefined };
}
