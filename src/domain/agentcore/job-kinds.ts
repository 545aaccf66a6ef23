import type { Requester } from '../../buckets/object-access.js';
import type { StagedDraft } from './draft-writer.js';

/** Stable names of the AgentCore jobs (stored with every job; never rename). */
export const AgentCoreJobs = {
  writeExamples: 'agentcore.write-examples',
  /**
   * Publishes an inline batch the accepting transaction staged (migration 0015 on). Its own kind,
   * so that a node of an earlier release, which knows only write-examples, leaves such a job to
   * the nodes that understand it rather than take its empty body for an empty batch.
   */
  publishStagedExamples: 'agentcore.publish-staged-examples',
  publishVersion: 'agentcore.publish-version',
  deleteVersion: 'agentcore.delete-version',
  deleteDataset: 'agentcore.delete-dataset',
  purgeExamples: 'agentcore.purge-examples',
} as const;

/** Which call a write-examples job applies: it decides the failure status (CREATE_FAILED or UPDATE_FAILED). */
export type ExampleWriteKind = 'create' | 'add' | 'update' | 'delete';

/**
 * The job row's payload. Inline examples were written by the accepting transaction at the DRAFT's
 * next revision (`staged`): the job publishes them. Jobs accepted before that carry the batch in
 * the job's body instead (batch-codec.ts) and write it themselves.
 */
export interface WriteExamplesPayload {
  dataset: number;
  kind: ExampleWriteKind;
  /** The inline examples staged by the accepting transaction; added without a new payload version. */
  staged?: StagedDraft;
  /** An s3Source JSONL file to read instead of the job body (create, add); added without a new payload version. */
  s3?: { bucket: string; key: string };
  /** Who asked: the job reads the s3Source file as them (absent in jobs from before object-store tenancy). */
  requester?: Requester;
}
/**
 * Why RetryJob does not queue a failed write-examples job again (undefined: it may). Only an
 * s3Source import is read again, from its file (as the retrying caller); a batch queued by a
 * Trove before migration 0015 named the rows it replaces as they were then.
 */
export function exampleBatchRetryRefusal(payload: WriteExamplesPayload): string | undefined {
  return payload.s3 ? undefined : 'It was an example batch queued by an earlier Trove, which named the examples it changes as they were then: send the request again.';
}

export interface PublishVersionPayload { dataset: number; version: number }
export interface DeleteVersionPayload { dataset: number; version: number }
export interface DeleteDatasetPayload { dataset: number }
export interface PurgeExamplesPayload { dataset: number }
