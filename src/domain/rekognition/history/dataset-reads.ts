import { ResourceNotFoundException } from '../../../api/trove/errors.js';
import type { RkDatasetRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../../caller.js';
import { findDataset } from '../dataset-service.js';

/**
 * Trove's answer to a read of a Rekognition dataset's history or entries (revisions, ingest
 * reports, diffs, entries at a revision, snapshots, page tokens, exports) once DeleteDataset has
 * been accepted: the dataset is gone to them (docs/trove-api.md). DeleteDataset is final and its
 * job purges entries, then history records, in chunks, so anything read meanwhile may be part of
 * what was there; AWS answers ResourceNotFoundException once a deleted dataset is gone, and a
 * ConflictException ("try again when it has settled") would send a client to retry a read that
 * can only ever end so. (Writes conflict instead, as UpdateDatasetEntries does.)
 */
export class DatasetBeingDeleted extends ResourceNotFoundException {
  constructor(arn: string) {
    super(`The dataset ${arn} is being deleted: its history and entries can no longer be read.`);
  }
}

/**
 * The one rule for Trove's reads of a dataset's history or entries: the caller's dataset `arn`
 * is read by `read` only if it is not being deleted, and what `read` answers is returned only if
 * the dataset is still readable once it has read (confirmed). A read pages with tokens: each
 * page comes through here, so a delete that starts between two pages or during one is
 * DatasetBeingDeleted, never a short page that looks whole.
 */
export async function readDataset<T>(deps: { readonly store: Store }, caller: Caller, arn: string, read: (dataset: RkDatasetRecord) => Promise<T>): Promise<T> {
  const dataset = await findDataset(deps.store, caller, arn, ResourceNotFoundException);
  if (dataset.status === 'DELETE_IN_PROGRESS') throw new DatasetBeingDeleted(arn);
  return confirmed(deps.store, dataset, read(dataset));
}

/**
 * What `reading` (reads of `dataset`'s rows) answers, once confirmed: it was whole only if the
 * dataset is still there by its ARN (its account included), the same one (SQLite may give a
 * deleted dataset's id to another) and not being deleted; otherwise DatasetBeingDeleted. The
 * status is committed before the delete job purges anything, so one look after the last read of
 * a page covers every read before it. A read that failed is looked at too: the purge makes reads
 * fail (a revision no longer in the history, its entries "collected"), and the reason is the delete.
 */
export async function confirmed<T>(store: Store, dataset: RkDatasetRecord, reading: Promise<T>): Promise<T> {
  const outcome = await reading.then((value) => ({ value }), (error: unknown) => ({ error }));
  const current = await store.rkDatasets.findByArn(dataset.arn);
  if (current?.id !== dataset.id || current.status === 'DELETE_IN_PROGRESS') throw new DatasetBeingDeleted(dataset.arn);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
