import { JobCancelled } from '../../job.js';
import type { JobContext } from '../../job.js';
import { cancelledChange } from '../cancelled-change.js';

/**
 * The failureReason an AgentCore job that ends without applying its change gives its dataset
 * (GetDataset's status stays AWS's: CREATE_FAILED or UPDATE_FAILED; only Trove says why): a
 * cancel (CancelJob), worded as Rekognition's cancelled changes are ("CANCELLED: ...", by whom,
 * offering RetryJob when it would take the job: an s3Source import), else `gaveUp`. `what`: the
 * change, as the sentence names it ("The change", "Publishing version 3").
 */
export function endedReason(ctx: JobContext, error: unknown, what: string, gaveUp: string): string {
  if (error instanceof JobCancelled) return `CANCELLED: ${cancelledChange(ctx, what, error)}`;
  return gaveUp;
}
