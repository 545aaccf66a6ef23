import type { ListJobsInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import { ValidationException } from '../../api/trove/errors.js';
import { InvalidJobToken, jobView } from '../../domain/jobs/job-listing.js';
import type { Operation } from '../operation.js';
import type { TroveServices } from './services.js';

/**
 * `GET /_trove/api/jobs`: the caller's background jobs (on its account's resources in the region
 * it signs for) that are queued, running, retrying after a failed attempt, or failed for good,
 * with their resources, attempts and last error. Like DescribeProjects it names no resource, so
 * only the action allow-list (`trove:ListJobs`) governs it.
 */
export function listJobs(services: TroveServices): Operation<ListJobsInput> {
  return {
    name: 'ListJobs',
    input: inputShapes.ListJobs,
    async handle(input, { caller }) {
      try {
        const page = await services.jobs.list(caller, input);
        return { jobs: page.jobs.map((job) => jobView(job)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      } catch (error) {
        if (error instanceof InvalidJobToken) throw new ValidationException(error.message, [{ name: 'nextToken', message: error.message }]);
        throw error;
      }
    },
  };
}
