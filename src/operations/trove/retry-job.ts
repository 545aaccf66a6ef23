import type { JobIdInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { permitFor } from './permit.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/jobs/{jobId}/retry`: queues a failed job again from its stored request, as
 * the caller's change (docs/trove-api.md). Its dataset goes through the statuses it went through
 * when the request was accepted; the caller needs the job's own action on it too.
 */
export function retryJob(services: TroveServices): Operation<JobIdInput> {
  return {
    name: 'RetryJob',
    input: inputShapes.RetryJob,
    handle: (input, { caller }) => services.jobControl.retry(caller, Number(input.jobId), permitFor(caller)),
  };
}
