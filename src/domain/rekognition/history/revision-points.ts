import { ResourceNotFoundException, ValidationException } from '../../../api/trove/errors.js';
import type { RevisionRecord } from '../../../store/rk-history-records.js';
import type { Repositories } from '../../../store/store.js';
import { REVISION_NUMBER, snapshotNameProblem } from './snapshot-names.js';

/** A revision of a dataset as a request names it: a number, or a snapshot's name. */
export interface RevisionPoint {
  readonly revision: number;
  /** The snapshot the request named, if it named one. */
  readonly snapshot?: string;
  readonly record: RevisionRecord;
}

/**
 * Their entries were garbage-collected: the revision is older than the collection horizon
 * (the page token lifetime after a later revision) and no snapshot keeps it.
 */
export class EntriesCollected extends ResourceNotFoundException {
  constructor(readonly revision: number) {
    super(`The entries of revision ${revision} have been garbage-collected: only snapshots keep old revisions readable. Snapshot a revision while it is recent to keep it.`);
  }
}

/**
 * Resolves `text` (a revision number or a snapshot name; absent: the committed revision) for
 * the dataset, to a revision in its history. ResourceNotFoundException when there is no such
 * snapshot or revision.
 */
export async function resolvePoint(repos: Repositories, dataset: { id: number; arn: string; revision: number }, text: string | undefined): Promise<RevisionPoint> {
  let revision: number;
  let snapshot: string | undefined;
  if (text === undefined || text === '') {
    revision = dataset.revision;
  } else if (REVISION_NUMBER.test(text)) {
    revision = Number(text);
  } else {
    const problem = snapshotNameProblem(text);
    if (problem) throw new ValidationException(`${problem} Name a revision by its number or a snapshot by its name.`);
    const found = await repos.rkSnapshots.find(dataset.id, text);
    if (!found) throw new ResourceNotFoundException(`The dataset ${dataset.arn} has no snapshot named ${text}.`);
    ({ revision } = found);
    snapshot = text;
  }
  const record = await repos.rkHistory.find(dataset.id, revision);
  if (!record) {
    throw new ResourceNotFoundException(revision === 0 || revision > dataset.revision
      ? `The dataset ${dataset.arn} has no revision ${revision} (its committed revision is ${dataset.revision}).`
      : `Revision ${revision} of ${dataset.arn} is not in its history (Trove started keeping history later).`);
  }
  return { revision, snapshot, record };
}

/** Throws EntriesCollected unless every revision's entries can still be read (not collected, or kept by a snapshot). */
export async function assertReadable(repos: Repositories, datasetId: number, revisions: readonly number[]): Promise<void> {
  for (const revision of new Set(revisions)) {
    const record = await repos.rkHistory.find(datasetId, revision);
    if (!record) throw new EntriesCollected(revision);
    if (record.collected && (await repos.rkSnapshots.atRevisions(datasetId, [revision])).length === 0) throw new EntriesCollected(revision);
  }
}
