import { JOB_CONTROL_ACTIONS } from '../../api/trove/jobs-outputs.js';
import type { JobStateWire } from '../../api/trove/jobs-outputs.js';
import { AgentCoreJobs } from '../agentcore/job-kinds.js';
import type { ExampleWriteKind, WriteExamplesPayload } from '../agentcore/job-kinds.js';
import { RekognitionJobs } from '../rekognition/job-kinds.js';

// What CancelJob (and RetryJob) need and refuse, per job: the one place these rules live.
// JobControl enforces them; ListJobs lists them (`requestAction`, `cancellable`, `cancelRefusal`),
// so that the console offers exactly what the server would take (console/src/jobs/).

/**
 * Jobs that delete, which CancelJob refuses: a deletion, once accepted, is not taken back. Its
 * dataset is DELETE_IN_PROGRESS (AgentCore: DELETING) from the moment the request was answered,
 * and AWS has no way back from there (Rekognition: none at all; AgentCore: a delete that fails
 * ends DELETE_FAILED, and is asked again): a client polling for the dataset (or version) to be
 * gone would find it back, as it was. A dataset's purge runs after it is already gone.
 */
const DELETIONS: ReadonlySet<string> = new Set([
  RekognitionJobs.deleteDataset, RekognitionJobs.deleteProject,
  AgentCoreJobs.deleteDataset, AgentCoreJobs.deleteVersion, AgentCoreJobs.purgeExamples,
]);

/** The action of each AgentCore call whose example batch a job applies (the call's own). */
const EXAMPLE_BATCH_ACTIONS: Readonly<Record<ExampleWriteKind, string>> = {
  create: 'bedrock-agentcore:CreateDataset',
  add: 'bedrock-agentcore:AddDatasetExamples',
  update: 'bedrock-agentcore:UpdateDatasetExamples',
  delete: 'bedrock-agentcore:DeleteDatasetExamples',
};

/**
 * The action an AgentCore job's request amounts to, which cancelling (or retrying) it needs, as
 * JOB_CONTROL_ACTIONS for Rekognition's: an example batch's is the call that made it, which only
 * its payload says; a version's publication, CreateDatasetVersion. Undefined: not an AgentCore job
 * CancelJob acts on (or a payload not kept). AgentCore jobs are cancelled only while they wait.
 */
function agentCoreAction(kind: string, payload: string | null): string | undefined {
  switch (kind) {
    case AgentCoreJobs.writeExamples:
    case AgentCoreJobs.publishStagedExamples:
      return payload === null ? undefined : EXAMPLE_BATCH_ACTIONS[(JSON.parse(payload) as WriteExamplesPayload).kind];
    case AgentCoreJobs.publishVersion:
      return 'bedrock-agentcore:CreateDatasetVersion';
    default:
      return undefined;
  }
}

/** AgentCore jobs CancelJob acts on, and only while they wait (QUEUED, RETRYING): a runner that holds one is publishing it. */
const WAITING_ONLY: ReadonlySet<string> = new Set([AgentCoreJobs.writeExamples, AgentCoreJobs.publishStagedExamples, AgentCoreJobs.publishVersion]);

/** Whether CancelJob acts on a job of `kind` only while it waits (an AgentCore job). */
export function cancelledOnlyWaiting(kind: string): boolean {
  return WAITING_ONLY.has(kind);
}

/**
 * The action a job's request amounts to on its resources (`payload`: its stored request, null
 * when not kept), which the caller needs there besides `trove:CancelJob` / `trove:RetryJob`:
 * cancelling fails that change, retrying makes it again. Undefined: neither acts on the job.
 */
export function requestAction(kind: string, payload: string | null): string | undefined {
  return JOB_CONTROL_ACTIONS[kind] ?? agentCoreAction(kind, payload);
}

/**
 * Why CancelJob refuses an open job as it is (undefined: it would act on it). `predicate`
 * completes "Job N (kind) ..." (CancelJob's message) and "It ..." (ListJobs' `cancelRefusal`).
 * `deletion` and `kind` are the request's fault (ValidationException), `running` the job's state
 * (ConflictException, checked after the caller's permission to cancel it: cancelMessage).
 */
export interface CancelRefusal {
  readonly reason: 'deletion' | 'kind' | 'running';
  readonly predicate: string;
}

export function cancelRefusal(kind: string, state: JobStateWire, cancelRequested: boolean): CancelRefusal | undefined {
  if (DELETIONS.has(kind)) {
    return { reason: 'deletion', predicate: 'cannot be cancelled: it is a deletion, and a deletion, once accepted, is not taken back '
      + '(AWS has no status that leads from being deleted back to what was there).' };
  }
  if (!(kind in JOB_CONTROL_ACTIONS) && !WAITING_ONLY.has(kind)) {
    return { reason: 'kind', predicate: 'cannot be cancelled: only dataset creations, changes, imports, distributions, restores, '
      + 'AgentCore example batches and version publications can.' };
  }
  // A job already asked to stop is answered again (CANCELLING), whatever it does meanwhile.
  if (WAITING_ONLY.has(kind) && state === 'RUNNING' && !cancelRequested) return runningRefusal();
  return undefined;
}

/**
 * CancelJob's refusal of a running AgentCore job. Once a runner holds it, its change is being
 * published (an inline batch, a version: one transaction) or its s3Source file read: it ends on
 * its own, ACTIVE or failed, which GetDataset shows; only a waiting job is failed by a cancel.
 */
export function runningRefusal(): CancelRefusal {
  return { reason: 'running', predicate: 'is RUNNING: an AgentCore job can be cancelled only while it waits (QUEUED or RETRYING). It ends on its own; GetDataset then shows how.' };
}
