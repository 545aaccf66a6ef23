import type { AcDatasetRecord, AcStatusChange } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';

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

  /** New examples, appended in request order. */
  async add(tx: Repositories, examples: readonly { exampleId: string; content: string }[]): Promise<void> {
    const taken = await tx.acExamples.findLive(this.dataset.id, examples.map((e) => e.exampleId));
    if (taken.length > 0) throw new BatchRejected(`An example with id ${taken[0].exampleId} already exists in the dataset.`);
    await tx.acExamples.insert(this.dataset.id, this.revision, examples.map((e) => ({ ...e, seq: this.#nextSeq++ })));
    this.#delta += examples.length;
  }

  /** AWS: UpdateDatasetExamples replaces each example's whole content; it keeps its place in the listing. */
  async replace(tx: Repositories, examples: readonly { exampleId: string; content: string }[]): Promise<void> {
    const live = await this.#live(tx, examples.map((e) => e.exampleId));
    await tx.acExamples.supersede([...live.values()].map((row) => row.id), this.revision);
    await tx.acExamples.insert(this.dataset.id, this.revision, examples.map((e) => ({ ...e, seq: live.get(e.exampleId)!.seq })));
  }

  async remove(tx: Repositories, exampleIds: readonly string[]): Promise<void> {
    const live = await this.#live(tx, exampleIds);
    await tx.acExamples.supersede([...live.values()].map((row) => row.id), this.revision);
    this.#delta -= live.size;
  }

  /** Publishes the revision with its counters and `change`, in the job's finishing transaction. */
  async commit(tx: Repositories, change: AcStatusChange): Promise<void> {
    const current = (await tx.acDatasets.findById(this.dataset.id))!;
    await tx.acDatasets.commitRevision(this.dataset.id, {
      revision: this.revision, exampleCount: current.exampleCount + this.#delta, nextSeq: this.#nextSeq,
    }, change);
    await tx.revisions.record('agentcore', this.dataset.id, this.revision, change.updatedAt);
  }

  async #live(tx: Repositories, exampleIds: readonly string[]) {
    const rows = await tx.acExamples.findLive(this.dataset.id, exampleIds);
    const live = new Map(rows.map((row) => [row.exampleId, row]));
    const missing = exampleIds.find((id) => !live.has(id));
    if (missing !== undefined) throw new BatchRejected(`The example ${missing} no longer exists in the dataset.`);
    return live;
  }
}
