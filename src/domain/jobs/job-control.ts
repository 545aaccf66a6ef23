import { AccessDeniedException, ConflictException, ResourceNotFoundException, ValidationException } from '../../api/trove/errors.js';
import type { CancelJobWire, RetryableByPayloadKind, RetryableJobKind, RetryJobWire } from '../../api/trove/jobs-outputs.js';
import type { ObjectAccess } from '../../buckets/object-access.js';
import { ObjectAccessDenied, requesterOf } from '../../buckets/object-access.js';
import { formatS3Uri, ObjectStoreError } from '../../object-store/object-store.js';
import type { ObjectRef } from '../../object-store/object-store.js';
import type { Clock } from '../../lib/clock.js';
import type { FailedJob, RkDatasetRecord, RkDatasetStatus } from '../../store/records.js';
import type { Repositories, Store } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { AgentCoreJobs } from '../agentcore/job-kinds.js';
import type { WriteExamplesPayload } from '../agentcore/job-kinds.js';
import { GUARDS, inProgress } from '../agentcore/status.js';
import { RekognitionJobs } from '../rekognition/job-kinds.js';
import type { CreateDatasetPayload, UpdateEntriesPayload } from '../rekognition/job-kinds.js';
import { SETTLED, statusChange } from '../rekognition/status.js';
import type { StatusChange } from '../../store/sql/rk-datasets-repository.js';
import { cancelledOnlyWaiting, cancelRefusal, requestAction, runningRefusal } from './control-rules.js';
import { jobResourcePrefixes } from './job-listing.js';
import { retryRefusal } from './retry-refusal.js';

/** Refuses (AccessDeniedException) when the caller's allow-lists do not cover `action` on `resources`. */
export type Permit = (action: string, resources: readonly string[]) => void;

export interface JobControlDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly objects: ObjectAccess;
  /** A job was queued again: the runner looks for work. */
  readonly jobsEnqueued: () => void;
  /** Fails the pending job `jobId` (cancel asked for) now; false when no runner here could (JobRunner.cancelNow). */
  readonly cancelQueued: (jobId: number) => Promise<boolean>;
}

/**
 * How one kind of failed job is queued again: the status its dataset goes through, as when the
 * request was first accepted, from the statuses it may be retried in (the action it amounts to:
 * requestAction, control-rules.ts).
 */
interface RetryRule {
  readonly from: readonly RkDatasetStatus[];
  readonly to: (now: number) => StatusChange;
}

/** One rule per kind of RETRYABLE_JOB_KINDS (api/trove/jobs-outputs.ts): the compiler refuses a missing or an extra one. */
const RETRY_RULES: Readonly<Record<Exclude<RetryableJobKind, RetryableByPayloadKind>, RetryRule>> = {
  [RekognitionJobs.updateEntries]: {
    from: SETTLED,
    to: (now) => statusChange('UPDATE_IN_PROGRESS', now),
  },
  [RekognitionJobs.createDataset]: {
    // A dataset changed since its creation failed is not created again over those changes.
    from: ['CREATE_FAILED'],
    to: (now) => statusChange('CREATE_IN_PROGRESS', now),
  },
};

/**
 * Retrying failed jobs and cancelling open ones (RetryJob, CancelJob; docs/trove-api.md). A
 * caller reaches only jobs on its own account's resources in the region it signs for, as ListJobs
 * lists them: another account's job id does not exist for it.
 */
export class JobControl {
  constructor(private readonly deps: JobControlDeps) {}

  /**
   * Queues the failed job `jobId` again, from its stored request, as the caller's (the job reads
   * files and images as the caller; history names the caller's key): its dataset goes through the
   * same statuses as when the request was accepted (UPDATE_IN_PROGRESS → UPDATE_COMPLETE |
   * UPDATE_FAILED; CREATE_IN_PROGRESS → ...), only if it is settled, as for a new change.
   */
  async retry(caller: Caller, jobId: number, permit: Permit): Promise<RetryJobWire> {
    const prefixes = jobResourcePrefixes(caller);
    const failed = await this.deps.store.jobs.findFailed(jobId, prefixes);
    if (!failed) {
      const open = await this.deps.store.jobs.findOpen(jobId, prefixes);
      if (open) throw new ConflictException(`Job ${jobId} is ${open.state}: only a failed job can be retried.`);
      throw new ResourceNotFoundException(`No failed job ${jobId} (failed jobs are kept 7 days).`);
    }
    const refusal = retryRefusal(failed.kind, failed.payload, failed.retryRefusal);
    if (refusal) {
      const message = `Job ${jobId} (${failed.kind}) cannot be retried. ${refusal.sentence}`;
      // A request not kept is the job's state (409); a kind or a request never retried, the input's (400).
      throw refusal.reason === 'not-kept' ? new ConflictException(message) : new ValidationException(message);
    }
    // Not refused: a retryable kind, with its request kept.
    if (failed.kind === AgentCoreJobs.writeExamples) return this.#retryImport(caller, failed, permit);
    const rule = RETRY_RULES[failed.kind as Exclude<RetryableJobKind, RetryableByPayloadKind>];
    const payload = JSON.parse(failed.payload!) as UpdateEntriesPayload | CreateDatasetPayload;
    const dataset = await this.#datasetOf(failed, payload.datasetId);
    permit('trove:RetryJob', [dataset.arn]);
    // As CreateDataset checks its DatasetSource too: a copy reads the dataset it copies.
    const copied = await this.#copiedDataset(jobId, payload);
    permit(requestAction(failed.kind, failed.payload)!, [dataset.arn, ...(copied ? [copied.arn] : [])]);
    await this.#inputsExist(caller, jobId, payload);
    return this.#requeue(caller, failed, payload, (tx, now) => tx.rkDatasets.transition(dataset.id, rule.from, rule.to(now)), rule.from === SETTLED
      ? `The dataset ${dataset.arn} is being created, updated or deleted; retry job ${jobId} once that has finished.`
      : `The dataset ${dataset.arn} is no longer CREATE_FAILED; job ${jobId} cannot create it again.`);
  }

  /**
   * Asks the open job `jobId` to stop, all or nothing: a queued (or retrying) one never runs
   * again and its dataset is failed now, saying it was cancelled and by whom (CANCELLED), unless
   * an earlier attempt left rows to delete: a runner does that, in bounded transactions, and then
   * fails the dataset (CANCELLING, jobState QUEUED or RETRYING); a running one stops at its next
   * transaction, whichever node runs it, and its dataset ends the same way (CANCELLING, RUNNING).
   * AgentCore jobs only while they wait (a running one: ConflictException); deletions never.
   */
  async cancel(caller: Caller, jobId: number, permit: Permit): Promise<CancelJobWire> {
    const prefixes = jobResourcePrefixes(caller);
    const open = await this.deps.store.jobs.findOpen(jobId, prefixes);
    if (!open) throw await this.#notOpen(jobId, prefixes);
    const resources = open.resource.split(' ');
    permit('trove:CancelJob', resources);
    // The rules ListJobs lists (control-rules.ts): a deletion or a kind never cancelled is the
    // request's fault; a running AgentCore job, its state's, checked once the caller may cancel it.
    const refusal = cancelRefusal(open.kind, open.state, open.cancelRequestedBy !== null);
    if (refusal && refusal.reason !== 'running') throw new ValidationException(`Job ${jobId} (${open.kind}) ${refusal.predicate}`);
    // Cancelling fails the job's change: the caller needs what making it needs, as for a retry.
    permit(requestAction(open.kind, open.payload)!, resources);
    if (refusal) throw runningAgentCoreJob(open);
    // An AgentCore job is cancelled only while it waits: marked so only if no runner holds it.
    const waitingOnly = cancelledOnlyWaiting(open.kind);
    if (open.cancelRequestedBy === null && !(await this.deps.store.jobs.requestCancel(jobId, caller.accessKeyId ?? '', waitingOnly))) {
      // Ended between the two statements, or another cancel came first, or (AgentCore) a runner took it.
      const still = await this.deps.store.jobs.findOpen(jobId, prefixes);
      if (!still) throw await this.#notOpen(jobId, prefixes);
      if (waitingOnly && still.cancelRequestedBy === null) {
        throw still.state === 'RUNNING' ? runningAgentCoreJob(still) : new ConflictException(`Job ${jobId} changed state as it was being cancelled; try again.`);
      }
    }
    // A pending job is failed here; a running one (here or on another node) sees the cancel itself.
    if (open.state !== 'RUNNING' && (await this.deps.cancelQueued(jobId))) return { jobId, state: 'CANCELLED', resources };
    // Still open: the answer says which way it ends (running: at its next step; queued: by a runner).
    const still = await this.deps.store.jobs.findOpen(jobId, prefixes);
    return still ? { jobId, state: 'CANCELLING', resources, jobState: still.state } : { jobId, state: 'CANCELLED', resources };
  }

  /**
   * RetryJob of a failed AgentCore s3Source import (CreateDataset, AddDatasetExamples; the only
   * write-examples jobs not refused: exampleBatchRetryRefusal): its file is read again, as the
   * caller, and its dataset goes through the statuses of the call that made it, under that call's
   * guard: CREATING only from CREATE_FAILED (a dataset written since is not created again over
   * it), UPDATING from what AddDatasetExamples is accepted in (ACTIVE, CREATE_FAILED, UPDATE_FAILED).
   */
  async #retryImport(caller: Caller, failed: FailedJob, permit: Permit): Promise<RetryJobWire> {
    const jobId = failed.id;
    const payload = JSON.parse(failed.payload!) as WriteExamplesPayload;
    const dataset = await this.deps.store.acDatasets.findById(payload.dataset);
    if (!dataset || dataset.arn !== failed.resource) throw new ResourceNotFoundException(`The dataset of job ${jobId} (${failed.resource}) no longer exists.`);
    permit('trove:RetryJob', [dataset.arn]);
    permit(requestAction(failed.kind, failed.payload)!, [dataset.arn]);
    if (payload.s3) await this.#readable(caller, jobId, payload.s3);
    const creating = payload.kind === 'create';
    const from = creating ? (['CREATE_FAILED'] as const) : GUARDS.edit.allowed;
    return this.#requeue(caller, failed, payload, (tx, now) => tx.acDatasets.transition(dataset.id, from, inProgress(creating ? 'CREATING' : 'UPDATING', now)), creating
      ? `The dataset ${dataset.arn} is no longer CREATE_FAILED; job ${jobId} cannot create it again.`
      : `The dataset ${dataset.arn} is being created, updated or deleted, or failed to be deleted; retry job ${jobId} once it is ACTIVE, CREATE_FAILED or UPDATE_FAILED.`);
  }

  /**
   * The one transaction of every retry, all or nothing: the dataset into the status of the call
   * that made the job (`transition`, under that call's guard; false: ConflictException `conflict`)
   * and the job queued again from its request, as the caller's.
   */
  async #requeue(
    caller: Caller, failed: FailedJob, payload: object, transition: (tx: Repositories, now: number) => Promise<boolean>, conflict: string,
  ): Promise<RetryJobWire> {
    const jobId = failed.id;
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      if (!(await transition(tx, now))) throw new ConflictException(conflict);
      if (!(await tx.jobs.requeueFailed(jobId, { ...payload, requester: requesterOf(caller) }, now))) {
        throw new ConflictException(`Job ${jobId} is no longer failed (it was retried meanwhile, or its failure was forgotten).`);
      }
    });
    this.deps.jobsEnqueued();
    return { jobId, state: 'QUEUED', resources: failed.resource.split(' ') };
  }

  async #notOpen(jobId: number, prefixes: readonly string[]): Promise<Error> {
    if (await this.deps.store.jobs.findFailed(jobId, prefixes)) return new ConflictException(`Job ${jobId} has failed already: a job that has ended cannot be cancelled.`);
    return new ResourceNotFoundException(`No queued or running job ${jobId} (it may have finished).`);
  }

  async #datasetOf(job: FailedJob, datasetId: number): Promise<RkDatasetRecord> {
    const dataset = await this.deps.store.rkDatasets.findById(datasetId);
    if (!dataset || dataset.arn !== job.resource) throw new ResourceNotFoundException(`The dataset of job ${job.id} (${job.resource}) no longer exists.`);
    return dataset;
  }

  /** The files the job reads beside its stored request still exist, as at acceptance (checked as the caller). */
  async #inputsExist(caller: Caller, jobId: number, payload: UpdateEntriesPayload | CreateDatasetPayload): Promise<void> {
    const file = 'import' in payload && payload.import ? payload.import.source : 'manifest' in payload ? payload.manifest : undefined;
    // (A file sent with UploadDatasetImport was refused above: it goes with its job.)
    if (file && !('upload' in file)) await this.#readable(caller, jobId, file);
  }

  /** The dataset a copy (CreateDataset from a DatasetSource) reads, if the job is one; ConflictException when it is gone. */
  async #copiedDataset(jobId: number, payload: UpdateEntriesPayload | CreateDatasetPayload): Promise<RkDatasetRecord | undefined> {
    if (!('sourceDatasetId' in payload) || payload.sourceDatasetId === undefined) return undefined;
    const source = await this.deps.store.rkDatasets.findById(payload.sourceDatasetId);
    if (!source || source.status === 'DELETE_IN_PROGRESS') throw new ConflictException(`The dataset job ${jobId} copies no longer exists.`);
    return source;
  }

  async #readable(caller: Caller, jobId: number, ref: ObjectRef): Promise<void> {
    try {
      await this.deps.objects.reader(caller).head(ref);
    } catch (error) {
      // The caller's allow-lists refuse it: IAM's answer, as StartDatasetImport gives it (not a file to put back).
      if (error instanceof ObjectAccessDenied && error.byAllowList) throw new AccessDeniedException(error.message);
      if (error instanceof ObjectStoreError && error.reason !== 'unavailable') {
        throw new ConflictException(`Job ${jobId} reads ${formatS3Uri(ref)}, which cannot be read now (${error.message}): put it back, then retry.`);
      }
      throw error;
    }
  }
}

/** CancelJob's refusal of a running AgentCore job (runningRefusal: it ends on its own). */
function runningAgentCoreJob(job: { id: number; kind: string }): ConflictException {
  return new ConflictException(`Job ${job.id} (${job.kind}) ${runningRefusal().predicate}`);
}
