import { JobCancelled } from '../../job.js';

/**
 * The failureReason an AgentCore job that ends without applying its change gives its dataset
 * (GetDataset's status stays AWS's: CREATE_FAILED or UPDATE_FAILED; only Trove says why): a
 * cancel (CancelJob), worded as Rekognition's cancelled changes are ("CANCELLED: ...", by whom),
 * else `gaveUp`. `what`: the change, as the sentence names it ("The change", "Publishing version 3");
 * `retryable`: RetryJob would queue it again (an s3Source import), which the reason then offers.
 */
export function endedReason(error: unknown, what: string, gaveUp: string, retryable = false): string {
  if (error instanceof JobCancelled) return `CANCELLED: ${what} was ${error.message}; nothing of it was applied. ${retryable ? 'Retry it (RetryJob) or send it again.' : 'Send it again.'}`;
  return gaveUp;
}
