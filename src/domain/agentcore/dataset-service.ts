import type { RequestDigest } from '../idempotency.js';
import { versionLink } from './download-service.js';
import {
  AccessDeniedException, ConflictException, ResourceNotFoundException, ServiceQuotaExceededException, ValidationException,
} from '../../api/agentcore/errors.js';
import { ObjectAccessDenied, requesterOf } from '../../buckets/object-access.js';
import type { CreateDatasetInput, SchemaType, UpdateDatasetInput } from '../../api/agentcore/inputs.js';
import type { AcDatasetRecord, AcDatasetStatus } from '../../store/agentcore-records.js';
import type { ObjectRef } from '../../object-store/object-store.js';
import type { Repositories } from '../../store/store.js';
import type { Caller } from '../caller.js';
import type { AgentCoreDeps } from './agentcore-deps.js';
import { ExampleValidator } from './example-validator.js';
import { prepareBatch } from './examples-batch.js';
import type { PreparedExample } from './examples-batch.js';
import { datasetArn, newDatasetId } from './ids.js';
import { AgentCoreJobs } from './job-kinds.js';
import type { DeleteDatasetPayload, DeleteVersionPayload, WriteExamplesPayload } from './job-kinds.js';
import { DraftWriter } from './draft-writer.js';
import type { StagedDraft } from './draft-writer.js';
import { elementsAsSent } from '../../lib/json-as-sent.js';
import { exampleSource } from './sources.js';
import { conflictFor, GUARDS, inProgress } from './status.js';

export interface CreatedDataset { datasetArn: string; datasetId: string; status: AcDatasetStatus; createdAt: number }
export interface UpdatedDataset { datasetArn: string; datasetId: string; updatedAt: number }
export interface DeletedDataset { datasetArn: string; datasetId: string; status: AcDatasetStatus; datasetVersion: string; updatedAt: number }

/** GetDataset's view: the dataset record resolved at one version. */
export interface DatasetView {
  record: AcDatasetRecord;
  datasetVersion: string;
  exampleCount: number;
  download?: { path: string; expiresAt: number };
}

interface DatasetPageState { a: number }

/** AgentCore datasets: create, get, update, delete, list. */
export class DatasetService {
  readonly validator = new ExampleValidator();

  constructor(private readonly deps: AgentCoreDeps) {}

  /**
   * AWS: returns 202 CREATING at once, then ACTIVE with draftStatus MODIFIED. Inline examples
   * (validated here, all-or-nothing) are written unpublished by the accepting transaction and
   * published by a job; an s3Source file is read by the job. A dataset can't be created empty.
   */
  /** `json`: the request as sent, when it came as JSON text (its examples are stored as sent where that is JSON.stringify's). */
  async create(caller: Caller, input: CreateDatasetInput, digest?: RequestDigest, json?: string): Promise<CreatedDataset> {
    const { store, idempotency, clock, limits } = this.deps;
    const token = idempotency.token(caller, 'CreateDataset', '', input, digest);
    const earlier = await idempotency.earlier<CreatedDataset>(store, token);
    if (earlier) return earlier;
    const source = exampleSource(input.source);
    if (source.kind === 's3') await this.checkReadable(caller, source.ref);
    const examples = source.kind === 'inline' ? this.prepare(input.schemaType, source.examples, 'source.inlineExamples.examples', false, json) : [];
    if (examples.length > limits.maxExamplesPerDataset) {
      throw new ServiceQuotaExceededException(`A dataset holds at most ${limits.maxExamplesPerDataset} examples.`);
    }
    const now = clock.now();
    let queued = true;
    const created = await store.transaction(async (tx) => {
      // First, before the token's check: the quota is counted under its lock (creators on any node
      // take turns), and a twin with the same token that held it before us is found committed.
      await tx.quotaLocks.take('ac-datasets', caller.account, caller.region);
      const raced = await idempotency.earlier<CreatedDataset>(tx, token);
      if (raced) return raced;
      if ((await tx.acDatasets.countInAccount(caller.account, caller.region)) >= limits.maxDatasetsPerAccount) {
        throw new ServiceQuotaExceededException(`The account already has the maximum of ${limits.maxDatasetsPerAccount} datasets.`);
      }
      if (await tx.acDatasets.findByName(caller.account, caller.region, input.datasetName)) {
        throw new ConflictException(`A dataset named ${input.datasetName} already exists in this account (names are compared regardless of case).`);
      }
      const datasetId = newDatasetId(input.datasetName);
      const dataset = await tx.acDatasets.insert({
        account: caller.account, region: caller.region, datasetId, name: input.datasetName, arn: datasetArn(caller, datasetId),
        schemaType: input.schemaType, description: input.description ?? null, kmsKeyArn: input.kmsKeyArn ?? null, tags: input.tags ?? null,
        status: 'CREATING', draftStatus: 'MODIFIED', createdAt: now,
      });
      // Both unique keys were just checked in this transaction; a clash is a concurrent twin.
      if (!dataset) throw new ConflictException(`A dataset named ${input.datasetName} already exists in this account.`);
      if (source.kind === 's3') {
        await this.enqueueWrite(tx, dataset, 'create', now, { s3: source.ref, requester: caller });
      } else {
        const writer = new DraftWriter(dataset);
        await writer.append(tx, examples);
        queued = await this.publishStaged(tx, dataset, 'create', now, writer);
      }
      // AWS: CREATING, even when this transaction published the examples itself.
      const response: CreatedDataset = { datasetArn: dataset.arn, datasetId, status: 'CREATING', createdAt: now };
      await idempotency.remember(tx, token, 202, response);
      return response;
    });
    if (queued) this.deps.jobsEnqueued();
    return created;
  }

  /** AWS: datasetVersion absent or DRAFT reads the DRAFT; a number reads that published version. */
  async get(caller: Caller, datasetId: string, version: string | undefined): Promise<DatasetView> {
    const record = await this.find(caller, datasetId);
    const resolved = await this.resolveVersion(record, version);
    // AWS: no download URL while the file does not exist yet (nothing committed, e.g. CREATING).
    const download = resolved.revision > 0
      ? this.deps.downloads.issue(versionLink(record.id, resolved.label, resolved.revision, 'jsonl'), 'dataset.jsonl')
      : undefined;
    return { record, datasetVersion: resolved.label, exampleCount: resolved.exampleCount, download };
  }

  /** AWS: synchronous; only the description is mutable, and omitting it leaves it unchanged. */
  async update(caller: Caller, input: UpdateDatasetInput, digest?: RequestDigest): Promise<UpdatedDataset> {
    const { store, idempotency, clock } = this.deps;
    const token = idempotency.token(caller, 'UpdateDataset', input.datasetId, input, digest);
    const earlier = await idempotency.earlier<UpdatedDataset>(store, token);
    if (earlier) return earlier;
    const dataset = await this.find(caller, input.datasetId);
    const now = clock.now();
    return store.transaction(async (tx) => {
      const raced = await idempotency.earlier<UpdatedDataset>(tx, token);
      if (raced) return raced;
      const current = await tx.acDatasets.findById(dataset.id);
      if (!current) throw notFound(input.datasetId);
      let updatedAt = current.updatedAt;
      if (!GUARDS.edit.allowed.includes(current.status)) throw conflictFor(current, current.status, GUARDS.edit);
      if (input.description !== undefined) {
        if (!(await tx.acDatasets.updateDescription(dataset.id, GUARDS.edit.allowed, input.description, now))) {
          throw conflictFor(current, current.status, GUARDS.edit);
        }
        updatedAt = now;
      }
      const response: UpdatedDataset = { datasetArn: current.arn, datasetId: current.datasetId, updatedAt };
      await idempotency.remember(tx, token, 200, response);
      return response;
    });
  }

  /**
   * AWS: without datasetVersion, deletes the DRAFT, every version and the name claim
   * (DELETING → gone); with a number, deletes that published version (DELETING → ACTIVE).
   */
  async delete(caller: Caller, datasetId: string, version: string | undefined): Promise<DeletedDataset> {
    const dataset = await this.find(caller, datasetId);
    const now = this.deps.clock.now();
    const response = (datasetVersion: string): DeletedDataset => ({
      datasetArn: dataset.arn, datasetId: dataset.datasetId, status: 'DELETING', datasetVersion, updatedAt: now,
    });
    if (version === undefined) {
      // AWS: DeleteDataset is idempotent; a delete already running is simply reported again.
      if (dataset.status === 'DELETING') return { ...response('DRAFT'), updatedAt: dataset.updatedAt };
      await this.deps.store.transaction(async (tx) => {
        if (!(await tx.acDatasets.transition(dataset.id, GUARDS.deleteAll.allowed, inProgress('DELETING', now)))) {
          throw conflictFor(dataset, (await tx.acDatasets.findById(dataset.id))?.status ?? dataset.status, GUARDS.deleteAll);
        }
        const payload: DeleteDatasetPayload = { dataset: dataset.id };
        await tx.jobs.enqueue({ kind: AgentCoreJobs.deleteDataset, payloadVersion: 1, resource: dataset.arn, payload, runAfter: now, createdAt: now });
      });
      this.deps.jobsEnqueued();
      return response('DRAFT');
    }
    // UNCONFIRMED (facts §5.6): the DRAFT can't be deleted on its own; the facts recommend this error.
    if (version === 'DRAFT') {
      throw new ValidationException('The DRAFT cannot be deleted on its own; omit datasetVersion to delete the whole dataset.', 'FieldValidationFailed',
        [{ name: 'datasetVersion', message: 'Member must be a published version number' }]);
    }
    const number = Number(version);
    await this.deps.store.transaction(async (tx) => {
      if (!Number.isSafeInteger(number) || !(await tx.acVersions.find(dataset.id, number))) throw versionNotFound(datasetId, version);
      // AWS (SDK integration test note): the last remaining published version can't be deleted. Error type UNCONFIRMED.
      if ((await tx.acVersions.count(dataset.id)) <= 1) {
        throw new ConflictException(`Version ${number} is the only published version of dataset ${datasetId}; it cannot be deleted on its own.`);
      }
      if (!(await tx.acDatasets.transition(dataset.id, GUARDS.deleteVersion.allowed, inProgress('DELETING', now)))) {
        throw conflictFor(dataset, (await tx.acDatasets.findById(dataset.id))?.status ?? dataset.status, GUARDS.deleteVersion);
      }
      const payload: DeleteVersionPayload = { dataset: dataset.id, version: number };
      await tx.jobs.enqueue({ kind: AgentCoreJobs.deleteVersion, payloadVersion: 1, resource: dataset.arn, payload, runAfter: now, createdAt: now });
    });
    this.deps.jobsEnqueued();
    return response(String(number));
  }

  /** One page of the account's datasets in creation order (AWS's order is UNCONFIRMED). */
  async list(caller: Caller, query: { maxResults: number; nextToken?: string }): Promise<{ datasets: AcDatasetRecord[]; nextToken?: string }> {
    let after = 0;
    let startedAt: number | undefined;
    if (query.nextToken) {
      const state = this.deps.pageTokens.read<DatasetPageState>('ac-datasets', query.nextToken);
      if (!state || typeof state.a !== 'number') throw invalidToken();
      ({ a: after, t: startedAt } = state);
    }
    const rows = await this.deps.store.acDatasets.page(caller.account, caller.region, after, query.maxResults + 1);
    const datasets = rows.slice(0, query.maxResults);
    const nextToken = rows.length > query.maxResults
      ? this.deps.pageTokens.issue<DatasetPageState>('ac-datasets', { a: datasets[datasets.length - 1].id }, startedAt)
      : undefined;
    return { datasets, nextToken };
  }

  /** The caller's dataset, or ResourceNotFoundException. */
  async find(caller: Caller, datasetId: string): Promise<AcDatasetRecord> {
    const dataset = await this.deps.store.acDatasets.find(caller.account, caller.region, datasetId);
    if (!dataset) throw notFound(datasetId);
    return dataset;
  }

  /** The revision and count a version label names: the DRAFT's committed state or a published version. */
  async resolveVersion(dataset: AcDatasetRecord, version: string | undefined): Promise<{ label: string; revision: number; exampleCount: number }> {
    if (version === undefined || version === 'DRAFT') return { label: 'DRAFT', revision: dataset.revision, exampleCount: dataset.exampleCount };
    const number = Number(version);
    const found = Number.isSafeInteger(number) ? await this.deps.store.acVersions.find(dataset.id, number) : undefined;
    if (!found) throw versionNotFound(dataset.datasetId, version);
    return { label: String(found.version), revision: found.revision, exampleCount: found.exampleCount };
  }

  /** Validates a batch against the schema type, all-or-nothing (see prepareBatch). */
  prepare(schemaType: string, examples: readonly unknown[], path: string, idRequired: boolean, json?: string): PreparedExample[] {
    // `path` names the examples' member in the request, e.g. source.inlineExamples.examples.
    const asSent = json === undefined ? undefined : elementsAsSent(json, path.split('.'), 'exampleId');
    return prepareBatch(examples, path, {
      validator: this.validator, schemaType: schemaType as SchemaType, maxExampleBytes: this.deps.limits.maxExampleBytes,
    }, idRequired, asSent?.length === examples.length ? asSent : undefined);
  }

  /**
   * Refuses at once (AccessDeniedException naming the object) an s3Source file the caller may
   * not read; reads nothing, so it tells nothing about the file. The job checks again when it runs.
   */
  async checkReadable(caller: Caller, ref: ObjectRef): Promise<void> {
    try {
      await this.deps.objects.reader(caller).mayRead(ref);
    } catch (error) {
      if (error instanceof ObjectAccessDenied) throw new AccessDeniedException(error.message);
      throw error;
    }
  }

  /**
   * Ends an accepting transaction that wrote an inline batch with `writer`: publishes it in that
   * same transaction (ACTIVE, one synced commit for the whole write) while this node runs jobs;
   * otherwise (its runner paused, or a node that runs no jobs) queues the job that publishes it.
   * Resolves to whether it queued that job.
   */
  async publishStaged(tx: Repositories, dataset: AcDatasetRecord, kind: WriteExamplesPayload['kind'], now: number, writer: DraftWriter): Promise<boolean> {
    if (this.deps.publishesInline()) {
      await writer.publish(tx, now, this.deps.garbageAfterMs);
      return false;
    }
    await this.enqueueWrite(tx, dataset, kind, now, { staged: writer.staged() });
    return true;
  }

  /**
   * Stores a write-examples job in the accepting transaction: to publish the examples `staged`
   * at the DRAFT's next revision by this same transaction, or to read an s3Source file as who
   * asked (the job streams it).
   */
  async enqueueWrite(
    tx: Repositories, dataset: AcDatasetRecord, kind: WriteExamplesPayload['kind'], now: number,
    from: { staged: StagedDraft } | { s3: ObjectRef; requester: Caller },
  ): Promise<void> {
    const payload: WriteExamplesPayload = 'staged' in from
      ? { dataset: dataset.id, kind, staged: from.staged }
      : { dataset: dataset.id, kind, s3: { bucket: from.s3.bucket, key: from.s3.key }, requester: requesterOf(from.requester) };
    const jobKind = payload.staged ? AgentCoreJobs.publishStagedExamples : AgentCoreJobs.writeExamples;
    await tx.jobs.enqueue({ kind: jobKind, payloadVersion: 1, resource: dataset.arn, payload, runAfter: now, createdAt: now });
  }
}

export function notFound(datasetId: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Dataset ${datasetId} not found.`);
}

function versionNotFound(datasetId: string, version: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Version ${version} of dataset ${datasetId} not found.`);
}

export function invalidToken(): ValidationException {
  return new ValidationException('The nextToken is invalid or has expired.', 'FieldValidationFailed',
    [{ name: 'nextToken', message: 'Member must be a token returned by a previous call of this listing' }]);
}
