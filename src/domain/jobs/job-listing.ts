import type { JobWire } from '../../api/trove/jobs-outputs.js';
import type { Caller } from '../caller.js';
import type { PageTokens } from '../pagination.js';
import { fingerprint } from '../pagination.js';
import type { JobState, ListedJob } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { cancelledWhile } from './cancel-note.js';
import { cancelRefusal, requestAction } from './control-rules.js';
import { retryRefusal } from './retry-refusal.js';

/** Every state, in the order a listing walks them: open jobs first (one table), then failed ones. */
export const JOB_STATES: readonly JobState[] = ['QUEUED', 'RUNNING', 'RETRYING', 'FAILED'];

/**
 * The APIs whose resources jobs work on. A job's resource is an ARN of one of them,
 * `arn:aws:<service>:<region>:<account>:...`, so its prefix says whose the job is.
 */
const SERVICES_WITH_JOBS = ['rekognition', 'bedrock-agentcore'];

/** The prefixes of the resources of a caller's jobs: its account's, in the region it signs for. */
export function jobResourcePrefixes(caller: Caller): string[] {
  return SERVICES_WITH_JOBS.map((service) => `arn:aws:${service}:${caller.region}:${caller.account}:`);
}

/** Who may see which jobs: a caller (its account in its region, as every API lists), or an operator (all). */
export type JobScope = Caller | 'all';

/** Where a listing goes on: the table it is in and the last row it returned there. */
export interface JobCursor {
  readonly phase: 'open' | 'failed';
  readonly after: number;
}

export interface JobPage {
  readonly jobs: readonly ListedJob[];
  readonly next?: JobCursor;
}

/** Thrown for a token that is malformed, forged, expired or from another listing. */
export class InvalidJobToken extends Error {}

/**
 * Lists background jobs: queued, running, retrying (after a failed attempt) and failed (gave up,
 * kept for a while). A caller sees only jobs on its own account's resources in the region it
 * signs for, and never a server path in an error; an operator (`trove jobs list --local`, which
 * reads the store directly) sees every job and the node running it.
 */
export class JobListing {
  constructor(private readonly store: Store, private readonly pageTokens?: PageTokens) {}

  /** One page of jobs in `states`, after `cursor` (undefined: from the start). */
  async page(scope: JobScope, states: readonly JobState[], cursor: JobCursor | undefined, limit: number): Promise<JobPage> {
    const resourcePrefixes = scope === 'all' ? undefined : jobResourcePrefixes(scope);
    const shown = (jobs: ListedJob[], next?: JobCursor): JobPage => ({ jobs: this.#shown(scope, jobs), ...(next ? { next } : {}) });
    let jobs: ListedJob[] = [];
    let after = cursor?.after ?? 0;
    // One row more than asked tells whether another page follows.
    if ((cursor?.phase ?? 'open') === 'open') {
      jobs = await this.store.jobs.listOpen({ states, afterId: after, limit: limit + 1, resourcePrefixes });
      if (jobs.length > limit) return shown(jobs.slice(0, limit), { phase: 'open', after: jobs[limit - 1].cursor });
      after = 0;
    }
    if (!states.includes('FAILED')) return shown(jobs);
    const room = limit - jobs.length;
    if (room === 0) return shown(jobs, { phase: 'failed', after: 0 });
    const failed = await this.store.jobs.listFailed({ afterId: after, limit: room + 1, resourcePrefixes });
    if (failed.length > room) return shown([...jobs, ...failed.slice(0, room)], { phase: 'failed', after: failed[room - 1].cursor });
    return shown([...jobs, ...failed]);
  }

  /** A caller's page, with opaque signed tokens bound to the caller and the states asked for. */
  async list(caller: Caller, input: { states?: readonly JobState[]; maxResults?: number; nextToken?: string }): Promise<{ jobs: readonly ListedJob[]; nextToken?: string }> {
    if (!this.pageTokens) throw new Error('JobListing.list needs page tokens');
    const states = input.states && input.states.length > 0 ? JOB_STATES.filter((state) => input.states!.includes(state)) : JOB_STATES;
    const bound = fingerprint([caller.account, caller.region, states]);
    let cursor: JobCursor | undefined;
    if (input.nextToken) {
      const state = this.pageTokens.read<{ p: JobCursor['phase']; a: number; f: string }>('jobs', input.nextToken);
      if (!state || state.f !== bound || (state.p !== 'open' && state.p !== 'failed') || !Number.isInteger(state.a)) {
        throw new InvalidJobToken('The nextToken is not valid for this listing (it is malformed, expired, or from another listing).');
      }
      cursor = { phase: state.p, after: state.a };
    }
    const page = await this.page(caller, states, cursor, input.maxResults ?? 100);
    return {
      jobs: page.jobs,
      ...(page.next ? { nextToken: this.pageTokens.issue('jobs', { p: page.next.phase, a: page.next.after, f: bound }) } : {}),
    };
  }

  /** What a caller may see of a job: not the node running it, and no server path in its error. */
  #shown(scope: JobScope, jobs: ListedJob[]): ListedJob[] {
    if (scope === 'all') return jobs;
    return jobs.map((job) => ({ ...job, leaseOwner: null, lastError: job.lastError && withoutPaths(job.lastError) }));
  }
}

/** A listed job as the API and `trove jobs list --json` show it (src/api/trove/jobs-outputs.ts). */
export type JobView = JobWire;

export function jobView(job: ListedJob): JobView {
  const seconds = (ms: number | null) => (ms === null ? undefined : ms / 1000);
  const failed = job.state === 'FAILED';
  // A failed job's noted refusal and kept request; an open job's request, as a cancel would leave it.
  const refusal = retryRefusal(job.kind, job.payload, job.retryRefusal ?? null)?.sentence;
  const cancel = failed ? undefined : cancelRefusal(job.kind, job.state, job.cancelRequestedBy !== null);
  return {
    jobId: job.id,
    kind: job.kind,
    state: job.state,
    resources: job.resource.split(' '),
    attempts: job.attempts,
    interruptedAttempts: job.interruptedAttempts > 0 ? job.interruptedAttempts : undefined,
    lastError: job.lastError ?? undefined,
    createdAt: job.createdAt / 1000,
    nextAttemptAt: job.state === 'QUEUED' || job.state === 'RETRYING' ? seconds(job.runAfter) : undefined,
    startedAt: job.state === 'RUNNING' ? seconds(job.runAfter) : undefined,
    failedAt: seconds(job.failedAt),
    node: job.state === 'RUNNING' ? job.leaseOwner ?? undefined : undefined,
    cancelRequestedBy: job.cancelRequestedBy ?? undefined,
    cancelledWhile: failed ? cancelledWhile(job.lastError, job.attempts) : undefined,
    rejected: job.rejected === true ? true : undefined,
    retryable: refusal === undefined,
    retryRefusal: failed ? refusal : undefined,
    requestAction: requestAction(job.kind, job.payload),
    cancellable: failed ? undefined : cancel === undefined,
    cancelRefusal: cancel && `It ${cancel.predicate}`,
  };
}

/**
 * An error message as a tenant may read it: absolute file paths (of the server's disk) become
 * `<path>`. `s3://bucket/key` and ARNs are kept: their slashes never start a word.
 */
export function withoutPaths(message: string): string {
  return message.replace(/(^|[\s'"`(=,[])\/[^\s'"`(),[\]]*/g, '$1<path>');
}
