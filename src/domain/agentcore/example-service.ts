import { ResourceNotFoundException, ServiceQuotaExceededException, ValidationException } from '../../api/agentcore/errors.js';
import type { RequestDigest, TokenedRequest } from '../idempotency.js';
import { acceptWrite } from './accept-write.js';
import type { Acceptance } from './accept-write.js';
import type { AddDatasetExamplesInput, DeleteDatasetExamplesInput, UpdateDatasetExamplesInput } from '../../api/agentcore/inputs.js';
import type { AcDatasetRecord, AcDatasetStatus } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';
import type { Caller } from '../caller.js';
import type { Guard } from './status.js';
import type { AgentCoreDeps } from './agentcore-deps.js';
import { invalidToken } from './dataset-service.js';
import { DraftWriter } from './draft-writer.js';
import type { DatasetService } from './dataset-service.js';
import { exampleLine } from './examples-batch.js';
import type { PreparedExample } from './examples-batch.js';
import { exampleSource } from './sources.js';
import { GUARDS } from './status.js';

interface Accepted { datasetArn: string; datasetId: string; status: AcDatasetStatus; updatedAt: number }
export interface AddedExamples extends Accepted { addedCount: number; exampleIds: string[] }
export interface UpdatedExamples extends Accepted { updatedCount: number }
export interface DeletedExamples extends Accepted { deletedCount: number }

export interface ExamplePage {
  record: AcDatasetRecord;
  datasetVersion: string;
  /** Each example as its wire JSON: `{"exampleId": ..., ...content}`. */
  examples: string[];
  nextToken?: string;
}

interface ExamplePageState { d: number; r: number; v: string; a: number }

/** Room kept in a ListDatasetExamples response for everything but the examples (nextToken, ...). */
const ENVELOPE_BYTES = 1024;

/**
 * The examples of a dataset's DRAFT: batched add, replace and delete (validated all-or-nothing
 * when the request arrives, applied by a job: UPDATING → ACTIVE), and pinned listing.
 */
export class ExampleService {
  constructor(private readonly deps: AgentCoreDeps, private readonly datasets: DatasetService) {}

  /** AWS: exampleIds come back in the order of the examples (CLI push.ts relies on it). */
  async add(caller: Caller, input: AddDatasetExamplesInput, digest?: RequestDigest, json?: string): Promise<AddedExamples> {
    const { idempotency, limits } = this.deps;
    const token = idempotency.token(caller, 'AddDatasetExamples', input.datasetId, input, digest);
    const earlier = await idempotency.earlier<AddedExamples>(this.deps.store, token);
    if (earlier) return earlier;
    const dataset = await this.datasets.find(caller, input.datasetId);
    const source = exampleSource(input.source);
    if (source.kind === 's3') {
      await this.datasets.checkReadable(caller, source.ref);
      // Trove: the file is read by the job, so the ids it assigns are not known yet (UNCONFIRMED what
      // AWS answers here): addedCount 0 and no ids; the examples are listed once the dataset is ACTIVE.
      return this.#accept(dataset, token, GUARDS.edit, async (tx, current, now) => {
        await this.datasets.enqueueWrite(tx, current, 'add', now, { s3: source.ref, requester: caller });
        return { answer: { addedCount: 0, exampleIds: [] }, queued: true };
      });
    }
    const path = 'source.inlineExamples.examples';
    const examples = this.datasets.prepare(dataset.schemaType, source.examples, path, false, json);
    return this.#accept(dataset, token, GUARDS.edit, async (tx, current, now) => {
      if (current.exampleCount + examples.length > limits.maxExamplesPerDataset) {
        throw new ServiceQuotaExceededException(
          `Dataset ${current.datasetId} has ${current.exampleCount} examples; adding ${examples.length} would exceed the maximum of ${limits.maxExamplesPerDataset}.`);
      }
      const taken = await tx.acExamples.findLive(current.id, examples.map((e) => e.exampleId));
      if (taken.length > 0) throw alreadyExists(examples, taken.map((row) => row.exampleId), path);
      const writer = await draftOf(tx, current);
      await writer.append(tx, examples);
      const queued = await this.datasets.publishStaged(tx, current, 'add', now, writer);
      return { answer: { addedCount: examples.length, exampleIds: examples.map((e) => e.exampleId) }, queued };
    });
  }

  /**
   * AWS: each example replaces the whole content of the example its exampleId names; any unknown
   * id fails the batch. `json` (add, update): the request as sent, as DatasetService.prepare takes it.
   */
  async update(caller: Caller, input: UpdateDatasetExamplesInput, digest?: RequestDigest, json?: string): Promise<UpdatedExamples> {
    const { idempotency } = this.deps;
    const token = idempotency.token(caller, 'UpdateDatasetExamples', input.datasetId, input, digest);
    const earlier = await idempotency.earlier<UpdatedExamples>(this.deps.store, token);
    if (earlier) return earlier;
    const dataset = await this.datasets.find(caller, input.datasetId);
    const examples = this.datasets.prepare(dataset.schemaType, input.examples, 'examples', true, json);
    return this.#accept(dataset, token, GUARDS.editCreated, async (tx, current, now) => {
      const writer = await draftOf(tx, current);
      const seqs = await supersedeAll(tx, writer, examples.map((e) => e.exampleId));
      await writer.replace(tx, examples, seqs);
      const queued = await this.datasets.publishStaged(tx, current, 'update', now, writer);
      return { answer: { updatedCount: examples.length }, queued };
    });
  }

  /** AWS: every id must be in the DRAFT, or the whole batch fails with ResourceNotFoundException. */
  async delete(caller: Caller, input: DeleteDatasetExamplesInput, digest?: RequestDigest): Promise<DeletedExamples> {
    const { idempotency } = this.deps;
    const token = idempotency.token(caller, 'DeleteDatasetExamples', input.datasetId, input, digest);
    const earlier = await idempotency.earlier<DeletedExamples>(this.deps.store, token);
    if (earlier) return earlier;
    const dataset = await this.datasets.find(caller, input.datasetId);
    // Trove: an id listed twice is deleted once (AWS's handling of repeats is not documented).
    const exampleIds = [...new Set(input.exampleIds)];
    return this.#accept(dataset, token, GUARDS.edit, async (tx, current, now) => {
      const writer = await draftOf(tx, current);
      await supersedeAll(tx, writer, exampleIds);
      const queued = await this.datasets.publishStaged(tx, current, 'delete', now, writer);
      return { answer: { deletedCount: exampleIds.length }, queued };
    });
  }

  /**
   * AWS: "The server embeds the resolved version in the pagination token. Once pagination
   * begins, all subsequent pages are pinned to that version regardless of concurrent mutations
   * or whether datasetVersion is passed on subsequent requests." The token pins the revision.
   */
  async list(caller: Caller, datasetId: string, query: { datasetVersion?: string; maxResults: number; nextToken?: string }): Promise<ExamplePage> {
    const record = await this.datasets.find(caller, datasetId);
    let state: ExamplePageState;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const read = this.deps.pageTokens.read<ExamplePageState>('ac-examples', query.nextToken);
      if (!read || read.d !== record.id || typeof read.r !== 'number' || typeof read.v !== 'string' || typeof read.a !== 'number') throw invalidToken();
      ({ t: startedAt, ...state } = read);
    } else {
      const resolved = await this.datasets.resolveVersion(record, query.datasetVersion);
      state = { d: record.id, r: resolved.revision, v: resolved.label, a: 0 };
    }
    // AWS: a response is at most 5 MB; a page ends early (with a nextToken) rather than exceed it.
    // The store stops reading at that budget too (by the rows' stored sizes), so a page of large
    // examples reads only what it returns; the exact sizes, exampleIds included, are counted here.
    const budget = this.deps.limits.maxListResponseBytes;
    const page = await this.deps.store.acExamples.page(record.id, state.r, state.a, query.maxResults, budget - ENVELOPE_BYTES);
    const examples: string[] = [];
    let bytes = ENVELOPE_BYTES;
    let last = state.a;
    for (const row of page.rows) {
      const line = exampleLine(row.exampleId, row.content);
      bytes += Buffer.byteLength(line) + 1;
      if (examples.length > 0 && bytes > budget) break;
      examples.push(line);
      last = row.seq;
    }
    const more = page.more || examples.length < page.rows.length;
    const nextToken = more ? this.deps.pageTokens.issue<ExamplePageState>('ac-examples', { ...state, a: last }, startedAt) : undefined;
    return { record, datasetVersion: state.v, examples, nextToken };
  }

  /** acceptWrite, with the members every example write answers. */
  async #accept<T extends object>(
    dataset: AcDatasetRecord, token: TokenedRequest | undefined, guard: Guard,
    accept: (tx: Repositories, current: AcDatasetRecord, now: number) => Promise<Acceptance<T>>,
  ): Promise<Accepted & T> {
    return acceptWrite(this.deps, dataset, token, guard, async (tx, current, now) => {
      const { answer, queued } = await accept(tx, current, now);
      // AWS: UPDATING, even when this transaction published the batch itself (the status a replay answers too).
      return { answer: { datasetArn: current.arn, datasetId: current.datasetId, status: 'UPDATING' as const, updatedAt: now, ...answer }, queued };
    });
  }
}

/**
 * The writer of the DRAFT's next revision, for the accepting transaction, which writes the batch
 * itself (and publishes it, or leaves that to a job: DatasetService.publishStaged). Nothing is left at that revision while the dataset accepts
 * writes; `begin` makes sure.
 */
async function draftOf(tx: Repositories, dataset: AcDatasetRecord): Promise<DraftWriter> {
  const writer = new DraftWriter(dataset);
  await writer.begin(tx);
  return writer;
}

/**
 * Supersedes the live versions of `exampleIds` at the writer's revision and resolves to their
 * listing positions; any unknown id fails the whole batch (the transaction rolls back).
 */
async function supersedeAll(tx: Repositories, writer: DraftWriter, exampleIds: readonly string[]): Promise<Map<string, number>> {
  const seqs = await writer.supersede(tx, exampleIds);
  const missing = exampleIds.filter((id) => !seqs.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ');
    throw new ResourceNotFoundException(
      `${missing.length} example id${missing.length === 1 ? '' : 's'} not found in dataset ${writer.dataset.datasetId}: ${shown}${missing.length > 10 ? ', ...' : ''}. Nothing was changed.`);
  }
  return seqs;
}

/** AWS (original model docs): a client-supplied exampleId already in the dataset is a ValidationException. */
function alreadyExists(examples: readonly PreparedExample[], taken: readonly string[], path: string): ValidationException {
  const set = new Set(taken);
  const fields = examples.flatMap((e, index) => (set.has(e.exampleId)
    ? [{ name: `${path}[${index}].exampleId`, message: 'Member must be unique: an example with this id already exists in the dataset' }]
    : [])).slice(0, 100);
  return new ValidationException(
    `${taken.length} example id${taken.length === 1 ? '' : 's'} already exist in the dataset: ${taken.slice(0, 10).join(', ')}.`, 'FieldValidationFailed', fields);
}
