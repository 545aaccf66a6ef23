import type { JobStateWire as JobState, JobsPageWire as JobsPage, JobWire as JobView } from '../api/trove/jobs-outputs.js';
import type { TroveApiCaller } from './trove-api-caller.js';

export type { JobStateWire as JobState, JobsPageWire as JobsPage, JobWire as JobView } from '../api/trove/jobs-outputs.js';

/** Typed calls of ListJobs (`GET /_trove/api/jobs`): what `bin/trove jobs list` and the console's Jobs page use. */
export class JobsClient {
  constructor(private readonly api: TroveApiCaller) {}

  /** One page of the caller's jobs in `states` (none: every state). */
  list(page: { states?: readonly JobState[]; maxResults?: number; nextToken?: string } = {}): Promise<JobsPage> {
    return this.api.call<JobsPage>('GET', '/_trove/api/jobs', {
      query: { state: page.states && page.states.length > 0 ? page.states : undefined, maxResults: page.maxResults, nextToken: page.nextToken },
    });
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
