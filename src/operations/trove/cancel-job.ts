import type { JobIdInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import type { Operation } from '../operation.js';
import { permitFor } from './permit.js';
import type { TroveServices } from './services.js';

/**
 * `POST /_trove/api/jobs/{jobId}/cancel`: a queued job never runs, a running one stops at its
 * next step without publishing anything; its dataset ends failed, saying so (docs/trove-api.md).
 */
export function cancelJob(services: TroveServices): Operation<JobIdInput> {
  return {
    name: 'CancelJob',
    input: inputShapes.CancelJob,
    handle: (input, { caller }) => services.jobControl.cancel(caller, Number(input.jobId), permitFor(caller)),
  };
}
