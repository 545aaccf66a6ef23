import { retryRefusal } from '../../domain/jobs/retry-refusal.js';
import type { JobCancelled, JobContext } from '../job.js';

/**
 * What a change cancelled by CancelJob says, for Rekognition's datasets and AgentCore's alike:
 * "<what> was cancelled by access key K (CancelJob); nothing of it was applied.", then what the
 * caller may do: RetryJob when it would queue this job again (its kind and request, retryRefusal),
 * else send the request again. `what`: the change as the sentence names it ("The change",
 * "Publishing version 3").
 */
export function cancelledChange(ctx: JobContext, what: string, cancel: JobCancelled): string {
  const retryable = retryRefusal(ctx.job.kind, ctx.job.payload) === undefined;
  return `${what} was ${cancel.message}; nothing of it was applied. ${retryable ? 'Retry it (RetryJob) or send it again.' : 'Send it again.'}`;
}
