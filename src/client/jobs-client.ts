import type { CancelJobWire, JobStateWire as JobState, JobsPageWire as JobsPage, JobWire as JobView, RetryJobWire } from '../api/trove/jobs-outputs.js';
import type { TroveApiCaller } from './trove-api-caller.js';

export type { CancelJobWire, JobStateWire as JobState, JobsPageWire as JobsPage, JobWire as JobView, RetryJobWire } from '../api/trove/jobs-outputs.js';

/** Typed calls of ListJobs, RetryJob and CancelJob (`/_trove/api/jobs`): what `bin/trove jobs` and the console's Jobs page use. */
export class JobsClient {
  constructor(private readonly api: TroveApiCaller) {}

  /** One page of the caller's jobs in `states` (none: every state). */
  list(page: { states?: readonly JobState[]; maxResults?: number; nextToken?: string } = {}): Promise<JobsPage> {
    return this.api.call<JobsPage>('GET', '/_trove/api/jobs', {
      query: { state: page.states && page.states.length > 0 ? page.states : undefined, maxResults: page.maxResults, nextToken: page.nextToken },
    });
  }

  /** Queues the failed job `jobId` again from its stored request (RetryJob). */
  retry(jobId: number): Promise<RetryJobWire> {
    return this.api.call<RetryJobWire>('POST', `/_trove/api/jobs/${jobId}/retry`);
  }

  /** Cancels the queued or running job `jobId` (CancelJob). */
  cancel(jobId: number): Promise<CancelJobWire> {
    return this.api.call<CancelJobWire>('POST', `/_trove/api/jobs/${jobId}/cancel`);
  }

  /** Every job in `states`, page by page. */
  async all(states?: readonly JobState[], maxResults = 1000): Promise<JobView[]> {
    const jobs: JobView[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.list({ states, maxResults, nextToken });
      jobs.push(...page.jobs);
      nextToken = page.nextToken;
    } while (nextToken);
    return jobs;
  }
}
