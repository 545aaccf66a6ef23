import { isRetryableJobKind } from '../../api/trove/jobs-outputs.js';
import { AgentCoreJobs, exampleBatchRetryRefusal } from '../agentcore/job-kinds.js';
import type { WriteExamplesPayload } from '../agentcore/job-kinds.js';
import { changeRetryRefusal, RekognitionJobs } from '../rekognition/job-kinds.js';
import type { UpdateEntriesPayload } from '../rekognition/job-kinds.js';

/**
 * Noted on a failed job whose kept request was let go to keep failed jobs' bytes under their caps
 * (`--failed-jobs-max-kept-bytes[-per-account]`; JobsRepository.finish lets the oldest go first).
 */
export const REQUEST_LET_GO = 'Its request was let go to keep failed jobs\' stored requests under this server\'s cap '
  + '(--failed-jobs-max-kept-bytes-per-account, --failed-jobs-max-kept-bytes; the oldest go first): send the request again.';

/**
 * Why RetryJob refuses a failed job: `kind`, its kind is not retried; `not-kept`, it failed
 * before Trove kept failed jobs' requests, or its request was let go to stay under the cap on
 * kept bytes; `request`, this request would fail the same way.
 */
export interface RetryRefusal {
  readonly reason: 'kind' | 'not-kept' | 'request';
  /** The reason in a sentence, as ListJobs' `retryRefusal` gives it and RetryJob's error ends. */
  readonly sentence: string;
}

/**
 * Why RetryJob would refuse a failed job of `kind` (undefined: it may be retried), the one
 * place these sentences are written: ListJobs shows them, RetryJob refuses with them, and a
 * cancelled change's status offers RetryJob only when there is none.
 * `request`: the job's kept request (its payload as stored; `true` when only known to be kept,
 * as a listing reads it; null or false when it was not kept). `noted`: the refusal noted with
 * the failure (failed_jobs.retry_refusal); a kept change's payload is asked too, for jobs noted
 * before such refusals were.
 */
export function retryRefusal(kind: string, request: string | boolean | null, noted: string | null = null): RetryRefusal | undefined {
  if (!isRetryableJobKind(kind)) return { reason: 'kind', sentence: 'Jobs of this kind are not retried: send the request that made it again.' };
  // (A request let go has no payload left either: the reason is the cap, not its age.)
  if (noted === REQUEST_LET_GO) return { reason: 'not-kept', sentence: REQUEST_LET_GO };
  if (!request) return { reason: 'not-kept', sentence: 'It failed before Trove kept failed jobs\' requests: send the request again.' };
  const refused = noted ?? (typeof request !== 'string' ? undefined
    : kind === RekognitionJobs.updateEntries ? changeRetryRefusal(JSON.parse(request) as UpdateEntriesPayload)
      : kind === AgentCoreJobs.writeExamples ? exampleBatchRetryRefusal(JSON.parse(request) as WriteExamplesPayload)
        : undefined);
  return refused ? { reason: 'request', sentence: refused } : undefined;
}
