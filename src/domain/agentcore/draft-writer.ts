import type { AcDatasetRecord, AcStatusChange, ExampleRow } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';
import type { PreparedExample } from './examples-batch.js';
import { collectGarbage } from './garbage.js';
import { active } from './status.js';

/** Thrown when a batch can't be applied as accepted (e.g. an example vanished): the job fails the dataset. */
export class BatchRejected extends Error {}

/**
 * What an accepting transaction wrote at the DRAFT's next revision, in the job's payload: all the
 * job needs to publish it (the revision, the change in the example count, the next free seq).
 */
export interface StagedDraft {
  readonly revision: number;
  readonly delta: number;
  readonly nextSeq: number;
}

/**
 * Writes example changes to a dataset's DRAFT at its next revision. Rows are written at
 * `revision`, invisible until `commit` publishes it with the new counters and the status in one
 * transaction; `begin` discards whatever an earlier, unpublished attempt wrote there.
 *
 * An inline batch (at most 1000 examples, 5 MB) is written by the transaction that accepts the
 * request, which also moves the dataset to CREATING/UPDATING and then either publishes it itself
 * (`publish`) or stores the job with `staged()`: no other write of the dataset can run until the
 * job publishes (`DraftWriter.resume`, `publish`).
 * An s3Source file is written by its job in chunk transactions instead (import-examples.ts).
 */
export class DraftWriter {
  readonly revision: number;
  #delta: number;
  #nextSeq: number;

  constructor(readonly dataset: AcDatasetRecord, staged?: StagedDraft) {
    this.revision = staged?.revision ?? dataset.revision + 1;
    this.#delta = staged?.delta ?? 0;
    this.#nextSeq = staged?.nextSeq ?? dataset.nextSeq;
  }

  /**
   * The writer of what an accepting transaction staged, for the job that publishes it. The
   * dataset has been CREATING/UPDATING since, so its committed revision is still the one before.
   */
  static resume(dataset: AcDatasetRecord, staged: StagedDraft): DraftWriter {
    if (dataset.revision + 1 !== staged.revision) {
      throw new Error(`dataset ${dataset.datasetId} is at revision ${dataset.revision}; the staged change was written at ${staged.revision}`);
    }
    return new DraftWriter(dataset, staged);
  }

  /** Discards rows an earlier attempt wrote at this revision. */
  async begin(tx: Repositories): Promise<void> {
    await tx.acExamples.discard(this.dataset.id, this.revision);
  }

  /**
   * New examples, appended in order. Their ids were checked free (in the same transaction, or
   * when the request was accepted); the live-id index is the last safeguard.
   */
  async append(tx: Repositories, examples: readonly PreparedExample[]): Promise<void> {
    await this.#insert(tx, examples.map(({ exampleId, content }) => ({ exampleId, content, seq: this.#nextSeq++ })));
  }

  /**
   * Supersedes the live versions of `exampleIds` at this revision (AWS: replaced or deleted
   * examples) and resolves to the listing position of each; ids with no live version are absent.
   */
  async supersede(tx: Repositories, exampleIds: readonly string[]): Promise<Map<string, number>> {
    const seqs = await tx.acExamples.supersedeLive(this.dataset.id, exampleIds, this.revision);
    this.#delta -= seqs.size;
    return seqs;
  }

  /** AWS: UpdateDatasetExamples replaces each example's whole content; it keeps its place in the listing (`seqs`, from supersede). */
  async replace(tx: Repositories, examples: readonly PreparedExample[], seqs: ReadonlyMap<string, number>): Promise<void> {
    await this.#insert(tx, examples.map(({ exampleId, content }) => ({ exampleId, content, seq: seqs.get(exampleId)! })));
  }

  /**
   * Jobs accepted before examples were written by the accepting transaction name the live rows
   * they replace or delete (as found then); nothing could have changed them since.
   */
  async supersedeRows(tx: Repositories, rows: readonly { id: number }[]): Promise<void> {
    const changed = await tx.acExamples.supersede(rows.map((row) => row.id), this.revision);
    if (changed !== rows.length) throw new BatchRejected(`${rows.length - changed} of the examples no longer exist in the dataset.`);
    this.#delta -= changed;
  }

  /** What this writer has written, for the job that publishes it. */
  staged(): StagedDraft {
    return { revision: this.revision, delta: this.#delta, nextSeq: this.#nextSeq };
  }

  /** Publishes the revision with its counters and `change`, in the job's finishing transaction. */
  async commit(tx: Repositories, change: AcStatusChange): Promise<void> {
    const current = (await tx.acDatasets.findById(this.dataset.id))!;
    await tx.acDatasets.commitRevision(this.dataset.id, {
      revision: this.revision, exampleCount: current.exampleCount + this.#delta, nextSeq: this.#nextSeq,
    }, change);
    await tx.revisions.record('agentcore', this.dataset.id, this.revision, change.updatedAt);
  }

  /**
   * Publishes the revision (ACTIVE, draftStatus MODIFIED) and collects rows earlier writes
   * superseded that nothing can read any more: how every example write ends, in the transaction
   * that accepted an inline batch or in the finishing transaction of its job.
   */
  async publish(tx: Repositories, now: number, garbageAfterMs: number): Promise<void> {
    await this.commit(tx, active(now, 'MODIFIED'));
    await collectGarbage(tx, this.dataset.id, now, garbageAfterMs);
  }

  async #insert(tx: Repositories, rows: readonly ExampleRow[]): Promise<void> {
    await tx.acExamples.insert(this.dataset.id, this.revision, rows);
    this.#delta += rows.length;
  }
}
