import type { JobContext } from '../../jobs/job.js';
import type { EntryRow, RkDatasetRecord, RkDatasetStats, StoredEntry } from '../../store/records.js';
import type { LabelDelta } from '../../store/sql/rk-labels-repository.js';
import type { StatusChange } from '../../store/sql/rk-datasets-repository.js';
import type { Repositories } from '../../store/store.js';
import type { ChangeLog, Replacement } from './history/change-log.js';
import type { RekognitionLimits } from './rekognition-deps.js';

const NOTHING_REPLACED: ReadonlyMap<string, Replacement> = new Map();

/** Thrown by a commit check (e.g. too many labels): the batch is abandoned as a client error. */
export class BatchRejected extends Error {
  /**
   * `byLinesAlone`: the lines themselves were at fault (none for a missing or invalid image, nor
   * the dataset's state): the same lines are rejected the same way again (RetryJob refuses them).
   */
  constructor(readonly code: string, message: string, readonly byLinesAlone = false) {
    super(message);
  }
}

/**
 * Writes one batch of changes to a dataset at its next revision, chunk by chunk, each chunk in
 * its own short transaction, while keeping the counter deltas in memory. Nothing is visible to
 * readers until `commit` publishes the revision together with the new counters; `abandon` (or a
 * retry's `begin`) removes every row written at the revision. `change` records the revision in
 * the dataset's history as it is published (or published as failed, `fail`).
 */
export class RevisionWriter {
  readonly revision: number;
  readonly #stats: RkDatasetStats = { totalEntries: 0, labeledEntries: 0, errorEntries: 0, totalLabels: 0 };
  readonly #labels = new Map<string, LabelDelta>();
  /** The source-refs written so far, while the dataset had no entries before this batch (rememberWritten). */
  #written: Set<string> | undefined;

  constructor(
    private readonly ctx: JobContext, readonly dataset: RkDatasetRecord, private readonly limits: RekognitionLimits, readonly change: ChangeLog,
  ) {
    this.revision = dataset.revision + 1;
  }

  /** Discards whatever an earlier, interrupted attempt wrote at this revision. */
  async begin(): Promise<void> {
    await this.#discard();
  }

  /**
   * For a bounded batch (one UpdateDatasetEntries change, at most 5 MB): when the dataset had no
   * entries before it, the only live rows are those the batch writes, so `upsert` tells repeated
   * source-refs from a set of them instead of reading the live rows (an index probe per line,
   * ~20 ms of a 5 MB change). The set grows with the batch, so bulk imports do not use it. The
   * live-row index stays the guard: a row written twice would fail the batch, never add a twin.
   */
  rememberWritten(): void {
    if (this.dataset.totalEntries === 0) this.#written = new Set();
  }

  /**
   * Adds or replaces entries by source-ref (AWS: UpdateDatasetEntries upserts on `source-ref`).
   * `rows` must have distinct source-refs. AWS: an image appears only once per change, so a
   * source-ref this batch has already written keeps its first line: such rows are skipped, and
   * their source-refs returned. (Found with the live rows the upsert reads anyway, so a batch
   * of any size needs no memory of what it wrote.)
   */
  async upsert(rows: readonly EntryRow[], tx?: Repositories): Promise<ReadonlySet<string>> {
    if (rows.length === 0) return new Set();
    const written = this.#written;
    if (written) return this.#insertFresh(rows, written, tx);
    const write = async (t: Repositories) => {
      const previous = await t.rkEntries.findReplaced(this.dataset.id, rows);
      const repeated = new Set(previous.filter((row) => row.createdRev === this.revision).map((row) => row.sourceRef));
      const replaced = repeated.size === 0 ? previous : previous.filter((row) => !repeated.has(row.sourceRef));
      const fresh = repeated.size === 0 ? rows : rows.filter((row) => !repeated.has(row.sourceRef));
      const replacements = replaced.length === 0 ? NOTHING_REPLACED : new Map(replaced.map((row) => [row.sourceRef, row.sameLine ? 'unchanged' : 'replaced'] as const));
      await t.rkEntries.supersede(replaced.map((row) => row.id), this.revision);
      await t.rkEntries.insert(this.dataset.id, this.revision, fresh);
      for (const row of replaced) this.#count(row, -1);
      for (const row of fresh) this.#count(row, +1);
      this.change.wrote(fresh, replacements);
      return repeated;
    };
    return tx ? write(tx) : this.ctx.transaction(write);
  }

  /** `upsert` into a dataset that had no entries: rows whose source-ref the batch already wrote are skipped. */
  async #insertFresh(rows: readonly EntryRow[], written: Set<string>, tx?: Repositories): Promise<ReadonlySet<string>> {
    const repeated = new Set<string>();
    for (const row of rows) if (written.has(row.sourceRef)) repeated.add(row.sourceRef);
    const fresh = repeated.size === 0 ? rows : rows.filter((row) => !repeated.has(row.sourceRef));
    const write = async (t: Repositories) => {
      await t.rkEntries.insert(this.dataset.id, this.revision, fresh);
      for (const row of fresh) {
        written.add(row.sourceRef);
        this.#count(row, +1);
      }
      this.change.wrote(fresh, NOTHING_REPLACED);
      return repeated;
    };
    return tx ? write(tx) : this.ctx.transaction(write);
  }

  /** Removes entries (DistributeDatasetEntries moves them out of TRAIN). */
  async remove(rows: readonly StoredEntry[], tx?: Repositories): Promise<void> {
    if (rows.length === 0) return;
    const write = async (t: Repositories) => {
      await t.rkEntries.supersede(rows.map((row) => row.id), this.revision);
      for (const row of rows) this.#count(row, -1);
      this.change.removed(rows.length);
    };
    await (tx ? write(tx) : this.ctx.transaction(write));
  }

  /**
   * Publishes the revision: label counters, dataset counters, status and revision in one
   * transaction `tx` (the job's finishing transaction). Throws BatchRejected, before anything
   * is changed for good, when the batch would break a dataset limit.
   */
  async commit(tx: Repositories, status: StatusChange): Promise<RkDatasetStats> {
    const current = (await tx.rkDatasets.findById(this.dataset.id))!;
    await tx.rkLabels.apply(this.dataset.id, this.#labels);
    const after: RkDatasetStats = {
      totalEntries: current.totalEntries + this.#stats.totalEntries,
      labeledEntries: current.labeledEntries + this.#stats.labeledEntries,
      errorEntries: current.errorEntries + this.#stats.errorEntries,
      totalLabels: await tx.rkLabels.count(this.dataset.id),
    };
    // AWS: at most 250 labels per dataset (ERROR_MANIFEST_TOO_MANY_LABELS).
    if (after.totalLabels > this.limits.maxLabelsPerDataset) {
      throw new BatchRejected('ERROR_MANIFEST_TOO_MANY_LABELS',
        `The manifest file has too many labels: the dataset would have ${after.totalLabels}, the maximum is ${this.limits.maxLabelsPerDataset}.`);
    }
    if (after.totalEntries > this.limits.maxEntriesPerDataset) {
      throw new BatchRejected('LimitExceededException',
        `The dataset would have ${after.totalEntries} entries; the maximum is ${this.limits.maxEntriesPerDataset}.`);
    }
    await tx.rkDatasets.commitRevision(this.dataset.id, this.revision, after, status);
    await tx.revisions.record('rekognition', this.dataset.id, this.revision, status.updatedAt);
    await this.change.record(tx, { datasetId: this.dataset.id, revision: this.revision, committedAt: status.updatedAt, entryCount: after.totalEntries, status: 'COMPLETE' });
    return after;
  }

  /**
   * Publishes the revision as a failed change, in `tx` (after `abandon`): its entries are those
   * of the revision before, the dataset takes `status`, and history keeps why it failed and the
   * change's ingest report, so even a change that failed has a number to look it up by.
   */
  async fail(tx: Repositories, status: StatusChange, failure: { code: string; message: string }): Promise<void> {
    const current = (await tx.rkDatasets.findById(this.dataset.id))!;
    await tx.rkDatasets.commitRevision(this.dataset.id, this.revision, current, status);
    await tx.revisions.record('rekognition', this.dataset.id, this.revision, status.updatedAt);
    await this.change.record(tx, {
      datasetId: this.dataset.id, revision: this.revision, committedAt: status.updatedAt, entryCount: current.totalEntries, status: 'FAILED', failure,
    });
  }

  /** Removes everything written at this revision (the batch failed); counters are untouched. */
  async abandon(): Promise<void> {
    await this.#discard();
  }

  /** Whether anything was written at this revision (by an attempt that did not publish it): what `abandon` would remove. */
  async wroteAny(): Promise<boolean> {
    return this.ctx.store.rkEntries.writtenAt(this.dataset.id, this.revision);
  }

  /**
   * Undoes this revision's rows in bounded steps, each its own transaction (an interrupted import
   * may have left hundreds of thousands): readers never see them, as the revision is not
   * published, and a crash midway leaves the rest to the next attempt or give-up.
   */
  async #discard(): Promise<void> {
    while (!(await this.ctx.transaction((tx) => tx.rkEntries.discardStep(this.dataset.id, this.revision))));
  }

  #count(row: Omit<EntryRow, 'line'>, sign: 1 | -1): void {
    this.#stats.totalEntries += sign;
    if (row.isLabeled) this.#stats.labeledEntries += sign;
    if (row.hasErrors) this.#stats.errorEntries += sign;
    for (const [label, boxes] of row.labels) {
      const delta = this.#labels.get(label) ?? { entries: 0, boundingBoxEntries: 0 };
      delta.entries += sign;
      if (boxes > 0) delta.boundingBoxEntries += sign;
      this.#labels.set(label, delta);
    }
  }
}
