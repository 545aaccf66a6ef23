import type { AcDatasetRecord, AcStatusChange } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';
import type { BatchBody } from './batch-codec.js';

/** Thrown when a batch can't be applied as accepted (e.g. an example vanished): the job fails the dataset. */
export class BatchRejected extends Error {}

/**
 * Writes one batch of example changes to a dataset's DRAFT at its next revision. Rows are
 * written at `revision`, invisible until `commit` publishes it with the new counters and the
 * status in one transaction; a retry first discards whatever an interrupted attempt wrote.
 * The accepting transaction moved the dataset to CREATING/UPDATING, so no other write of this
 * dataset can run until the commit.
 */
export class DraftWriter {
  readonly revision: number;
  #delta = 0;
  #nextSeq: number;

  constructor(readonly dataset: AcDatasetRecord) {
    this.revision = dataset.revision + 1;
    this.#nextSeq = dataset.nextSeq;
  }

  /** Discards rows an earlier attempt wrote at this revision. */
  async begin(tx: Repositories): Promise<void> {
    await tx.acExamples.discard(this.dataset.id, this.revision);
  }

  /**
   * New examples, appended in request order. Their ids were checked free when the request was
   * accepted (and the dataset has been UPDATING since); the live-id index is the last safeguard.
   */
  async add(tx: Repositories, batch: BatchBody): Promise<void> {
    const contents = batch.contents ?? [];
    await tx.acExamples.insert(this.dataset.id, this.revision, batch.exampleIds.map((exampleId, i) => ({
      exampleId, content: contents[i], seq: this.#nextSeq++,
    })));
    this.#delta += batch.exampleIds.length;
  }

  /** AWS: UpdateDatasetExamples replaces each example's whole content; it keeps its place in the listing. */
  async replace(tx: Repositories, batch: BatchBody): Promise<void> {
    const rows = batch.supersedes ?? [];
    await this.#supersede(tx, rows);
    const contents = batch.contents ?? [];
    await tx.acExamples.insert(this.dataset.id, this.revision, batch.exampleIds.map((exampleId, i) => ({
      exampleId, content: contents[i], seq: rows[i].seq,
    })));
  }

  async remove(tx: Repositories, batch: BatchBody): Promise<void> {
    await this.#supersede(tx, batch.supersedes ?? []);
    this.#delta -= batch.exampleIds.length;
  }

  /** Publishes the revision with its counters and `change`, in the job's finishing transaction. */
  async commit(tx: Repositories, change: AcStatusChange): Promise<void> {
    const current = (await tx.acDatasets.findById(this.dataset.id))!;
    await tx.acDatasets.commitRevision(this.dataset.id, {
      revision: this.revision, exampleCount: current.exampleCount + this.#delta, nextSeq: this.#nextSeq,
    }, change);
    await tx.revisions.record('agentcore', this.dataset.id, this.revision, change.updatedAt);
  }

  /** The rows found live when the request was accepted; nothing could have changed them since. */
  async #supersede(tx: Repositories, rows: readonly { id: number }[]): Promise<void> {
    const changed = await tx.acExamples.supersede(rows.map((row) => row.id), this.revision);
    if (changed !== rows.length) throw new BatchRejected(`${rows.length - changed} of the examples no longer exist in the dataset.`);
  }
}
