import { AccessDeniedException } from '../../api/trove/errors.js';
import { AccessDenied } from '../../auth/errors.js';
import { authorize } from '../../auth/authorize.js';
import type { AllowLists } from '../../auth/authorize.js';
import type { Permit } from '../../domain/jobs/job-control.js';

/**
 * The allow-list check of an action on resources only the domain learns (a job's dataset), in
 * the Trove API's words: the protocol checked what the request itself names before.
 */
export function permitFor(caller: AllowLists): Permit {
  return (action, resources) => {
    try {
      authorize(caller, action, resources);
    } catch (error) {
      if (error instanceof AccessDenied) throw new AccessDeniedException(error.message);
      throw error;
    }
  };
}
