import {
  ConflictException, ResourceNotFoundException, ServiceQuotaExceededException, ValidationException,
} from '../../../api/trove/errors.js';
import type { RkDatasetRecord } from '../../../store/records.js';
import type { SnapshotRecord } from '../../../store/rk-history-records.js';
import { requesterOf } from '../../../buckets/object-access.js';
import type { Caller } from '../../caller.js';
import { findDataset } from '../dataset-service.js';
import { RekognitionJobs } from '../job-kinds.js';
import type { RestoreSnapshotPayload } from '../job-kinds.js';
import { SETTLED, statusChange } from '../status.js';
import { readDataset } from './dataset-reads.js';
import type { HistoryDeps } from './history-deps.js';
import { EntriesCollected } from './revision-points.js';
import { snapshotNameProblem } from './snapshot-names.js';

interface SnapshotsToken { d: number; a: string }
interface SnapshotsPage { snapshots: (SnapshotRecord & { entryCount?: number })[]; nextToken?: string }

/**
 * Named snapshots of Rekognition datasets: a snapshot keeps one revision's entries readable,
 * exactly as they were, until it is deleted (garbage collection spares the row versions it
 * sees); restoring one makes its content the dataset's again, as a new revision.
 */
export class SnapshotService {
  constructor(private readonly deps: HistoryDeps) {}

  /**
   * Names `revision` (absent: the committed one). Conflicts on a taken name or a dataset being
   * deleted: a change, refused as UpdateDatasetEntries is (a read of one being deleted is not found: readDataset).
   */
  async create(caller: Caller, arn: string, input: { name: string; revision?: number }): Promise<SnapshotRecord & { entryCount: number }> {
    const problem = snapshotNameProblem(input.name);
    if (problem) throw new ValidationException(problem);
    const dataset = await findDataset(this.deps.store, caller, arn, ResourceNotFoundException);
    const revision = input.revision ?? dataset.revision;
    if (revision === 0) throw new ConflictException(`The dataset ${arn} has no committed revision yet (it is still being created).`);
    const snapshot: SnapshotRecord = { datasetId: dataset.id, name: input.name, revision, createdAt: this.deps.clock.now(), accessKeyId: caller.accessKeyId ?? null };
    const entryCount = await this.deps.store.transaction(async (tx) => {
      // The quota is counted under its lock, taken first (before the history row's): creations of
      // snapshots of this dataset take turns whatever revision each names, on any node.
      await tx.quotaLocks.take('rk-snapshots', dataset.id);
      // The history row is locked against garbage collection marking it collected meanwhile,
      // and against the dataset's deletion purging it: this snapshot is either seen by both, or refused.
      const record = await tx.rkHistory.lock(dataset.id, revision);
      const current = await tx.rkDatasets.findById(dataset.id);
      // Gone, or its id given to another dataset (SQLite reuses ids): not this one's to name.
      if (current?.arn !== dataset.arn) throw new ResourceNotFoundException(`The dataset ${arn} does not exist.`);
      // Before the history row's absence: the delete job purges history rows, and a change of a dataset being deleted is a conflict.
      if (current.status === 'DELETE_IN_PROGRESS') throw new ConflictException(`The dataset ${arn} is being deleted.`);
      if (!record) {
        throw new ResourceNotFoundException(revision > dataset.revision
          ? `The dataset ${arn} has no revision ${revision} (its committed revision is ${dataset.revision}).`
          : `Revision ${revision} of ${arn} is not in its history.`);
      }
      if (record.collected && (await tx.rkSnapshots.atRevisions(dataset.id, [revision])).length === 0) throw new EntriesCollected(revision);
      if ((await tx.rkSnapshots.count(dataset.id)) >= this.deps.maxSnapshotsPerDataset) {
        throw new ServiceQuotaExceededException(`The dataset ${arn} already has ${this.deps.maxSnapshotsPerDataset} snapshots, the most it can have. Delete one first.`);
      }
      if (!(await tx.rkSnapshots.insert(snapshot))) throw new ConflictException(`The dataset ${arn} already has a snapshot named ${input.name}.`);
      return record.entryCount;
    });
    return { ...snapshot, entryCount };
  }

  /** A page of the dataset's snapshots in name order, each with the entry count of its revision (a read: readDataset). */
  list(caller: Caller, arn: string, query: { maxResults: number; nextToken?: string }): Promise<SnapshotsPage> {
    return readDataset(this.deps, caller, arn, (dataset) => this.#list(dataset, query));
  }

  async #list(dataset: RkDatasetRecord, query: { maxResults: number; nextToken?: string }): Promise<SnapshotsPage> {
    let afterName = '';
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<SnapshotsToken>('rk-snapshots', query.nextToken);
      if (!state || state.d !== dataset.id || typeof state.a !== 'string') {
        throw new ValidationException('The pagination token is invalid, expired, or belongs to another listing.');
      }
      ({ a: afterName, t: startedAt } = state);
    }
    const rows = await this.deps.store.rkSnapshots.page(dataset.id, afterName, query.maxResults + 1);
    const page = rows.slice(0, query.maxResults);
    const counts = await this.deps.store.rkHistory.entryCounts(dataset.id, [...new Set(page.map((snapshot) => snapshot.revision))]);
    const snapshots = page.map((snapshot) => ({ ...snapshot, entryCount: counts.get(snapshot.revision) }));
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue<SnapshotsToken>('rk-snapshots', { d: dataset.id, a: page[page.length - 1].name }, startedAt)
      : undefined;
    return { snapshots, nextToken };
  }

  /** Deletes the snapshot; the row versions only it kept are collected by a later sweep. */
  async delete(caller: Caller, arn: string, name: string): Promise<void> {
    const dataset = await findDataset(this.deps.store, caller, arn, ResourceNotFoundException);
    const snapshot = await this.#find(dataset.id, arn, name);
    await this.deps.store.transaction(async (tx) => {
      // Serialised with snapshot creation at the same revision (see create).
      await tx.rkHistory.lock(dataset.id, snapshot.revision);
      if (!(await tx.rkSnapshots.delete(dataset.id, name))) throw new ResourceNotFoundException(`The dataset ${arn} has no snapshot named ${name}.`);
    });
  }

  /**
   * RestoreDatasetSnapshot: the dataset goes UPDATE_IN_PROGRESS, and one durable job writes a
   * new revision whose entries are the snapshot's (only what differs is written). Resolves to
   * the revision the restore will be.
   */
  async acceptRestore(caller: Caller, arn: string, name: string): Promise<{ revision: number; snapshot: SnapshotRecord }> {
    const dataset = await findDataset(this.deps.store, caller, arn, ResourceNotFoundException);
    const snapshot = await this.#find(dataset.id, arn, name);
    const record = await this.deps.store.rkHistory.find(dataset.id, snapshot.revision);
    // AWS: a dataset holds at most 250,000 entries (the job's commit checks it again).
    if (record && record.entryCount > this.deps.limits.maxEntriesPerDataset) {
      throw new ValidationException(`The snapshot has ${record.entryCount} entries; a dataset can hold at most ${this.deps.limits.maxEntriesPerDataset}.`);
    }
    const now = this.deps.clock.now();
    const revision = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.rkDatasets.transition(dataset.id, SETTLED, statusChange('UPDATE_IN_PROGRESS', now)))) {
        throw new ConflictException(`The dataset ${arn} is being created, updated or deleted; restore it once that has finished.`);
      }
      // No other change can commit while the dataset is UPDATE_IN_PROGRESS: the job writes the next revision.
      const locked = (await tx.rkDatasets.findById(dataset.id))!;
      const payload: RestoreSnapshotPayload = { datasetId: dataset.id, snapshot: name, revision: snapshot.revision, requester: requesterOf(caller) };
      await tx.jobs.enqueue({ kind: RekognitionJobs.restoreSnapshot, payloadVersion: 1, resource: arn, payload, runAfter: now, createdAt: now });
      return locked.revision + 1;
    });
    this.deps.jobsEnqueued();
    return { revision, snapshot };
  }

  async #find(datasetId: number, arn: string, name: string): Promise<SnapshotRecord> {
    const problem = snapshotNameProblem(name);
    if (problem) throw new ValidationException(problem);
    const snapshot = await this.deps.store.rkSnapshots.find(datasetId, name);
    if (!snapshot) throw new ResourceNotFoundException(`The dataset ${arn} has no snapshot named ${name}.`);
    return snapshot;
  }
}
