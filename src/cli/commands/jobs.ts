import { cancellingWords, failedWords } from '../../api/trove/jobs-outputs.js';
import { JobsClient } from '../../client/jobs-client.js';
import { TroveApiClient } from '../../client/trove-api-client.js';
import { loadConfig } from '../../config/load.js';
import { JOB_STATES, JobListing, jobView } from '../../domain/jobs/job-listing.js';
import type { JobCursor, JobView } from '../../domain/jobs/job-listing.js';
import type { JobState } from '../../store/records.js';
import { createStore } from '../../store/create-store.js';
import type { Command } from '../index.js';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, resolveClientTarget } from '../client-target.js';
import { parseCommandArgs } from '../flags.js';
import { actionUsage } from '../command-args.js';
import { forTerminal } from '../terminal-text.js';

const USAGE = `Usage: trove jobs list [--state STATE ...] [--json] [--endpoint URL] [--region NAME] [--profile NAME]
       trove jobs list --local [--state STATE ...] [--json] [--data-dir DIR | --database-url URL]
       trove jobs retry JOB_ID [--json] [--endpoint URL] [--region NAME] [--profile NAME]
       trove jobs cancel JOB_ID [--json] [--endpoint URL] [--region NAME] [--profile NAME]

Lists background jobs (UpdateDatasetEntries, CreateDataset, AgentCore example writes, ...) that are
QUEUED, RUNNING, RETRYING (a failed attempt, waiting for the next) or FAILED (gave up, rejected or
cancelled; kept 7 days with its request),
with their resources, attempts (and attempts a store outage cut short, not counted), how a failed one
ended ("Gave up after 2 min", "Rejected after 1 s, not retried", "Cancelled after 40 s while
running", "Never ran: cancelled after 3 s in the queue") and last error.

By default it asks a running Trove (Trove API ListJobs) and shows the jobs of the credentials'
account in their region. With --local it reads the store directly, like \`trove credentials\`,
and shows every account's jobs and the node running each: the operator's view (it works whether
or not the server runs; pass the same --data-dir or --database-url as \`serve\`). \`retry\` and
\`cancel\` take no --local: they ask a running Trove, as the credentials' key.

\`retry\` queues a FAILED job again from its stored request (Trove API RetryJob): its dataset goes
UPDATE_IN_PROGRESS (CREATE_IN_PROGRESS; AgentCore s3Source imports UPDATING, CREATING) again, as when
the request was accepted. \`cancel\` stops a
QUEUED, RETRYING or RUNNING job (CancelJob): a queued one never runs (if an earlier attempt left
rows, a runner deletes them first), a running one stops at its next step; nothing of it is
applied, and its dataset ends UPDATE_FAILED (CREATE_FAILED), saying so. AgentCore batches and
version publications only while QUEUED or RETRYING (their dataset ends UPDATE_FAILED or
CREATE_FAILED, failureReason "CANCELLED: ..."); deletions never (a deleting dataset is not
brought back).

  --state STATE    QUEUED, RUNNING, RETRYING or FAILED (repeatable; default: all)
${CLIENT_OPTIONS_HELP}
`;

const PAGE = 1000;

/** `trove jobs list`: what is waiting, running, retrying or has failed in the background. */
export const jobsCommand: Command = {
  name: 'jobs',
  async run(args, env) {
    const { settings, values, positionals } = parseCommandArgs(args, {
      ...CLIENT_OPTIONS, state: { type: 'string', multiple: true }, local: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' },
    });
    const [action, ...extra] = positionals;
    const usageExit = actionUsage(action, values.help, USAGE);
    if (usageExit !== undefined) return usageExit;
    if (action === 'retry' || action === 'cancel') {
      // A retry runs as the credentials' key (it reads files and images as it, history names it),
      // and a queued job is failed by a runner: both need the server, not the store alone.
      if (values.local) throw new Error(`trove jobs ${action} does not take --local: it asks a running Trove, as the credentials' key (--endpoint, --profile).`);
      return control(action, extra, values.json === true, await resolveClientTarget(values, env));
    }
    if (action !== 'list' || extra.length > 0) throw new Error(`unknown action "${[action, ...extra].join(' ')}"\n\n${USAGE}`);
    const states = parseStates(values.state ?? []);
    const jobs = values.local
      ? await listLocal(loadConfig({ env, flags: settings }), states)
      : await new JobsClient(new TroveApiClient(await resolveClientTarget(values, env))).all(states, PAGE);
    process.stdout.write(values.json ? `${JSON.stringify(jobs, null, 2)}\n` : forTerminal(table(jobs, values.local === true)));
    return 0;
  },
};

/** `trove jobs retry|cancel JOB_ID`: one call, its answer as a sentence (or JSON). */
async function control(action: 'retry' | 'cancel', args: readonly string[], json: boolean, target: Awaited<ReturnType<typeof resolveClientTarget>>): Promise<number> {
  if (args.length !== 1 || !/^[0-9]{1,15}$/.test(args[0])) throw new Error(`trove jobs ${action} takes one job id (see \`trove jobs list\`).\n\n${USAGE}`);
  const jobs = new JobsClient(new TroveApiClient(target));
  const jobId = Number(args[0]);
  const answer = action === 'retry' ? await jobs.retry(jobId) : await jobs.cancel(jobId);
  if (json) {
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  }
  const on = answer.resources.join(' ');
  const said = {
    QUEUED: `Job ${jobId} is queued again; ${on} is being updated from its stored request.`,
    CANCELLED: `Job ${jobId} is cancelled: it will not run, and ${on} is marked failed (CANCELLED).`,
    CANCELLING: `Job ${jobId} is being cancelled: ${cancellingWords('jobState' in answer ? answer.jobState : undefined)}, and ${on} is then marked failed (CANCELLED).`,
  }[answer.state];
  process.stdout.write(forTerminal(`${said}\n`));
  return 0;
}

function parseStates(given: readonly string[]): JobState[] {
  const states = given.map((state) => state.toUpperCase());
  const unknown = states.filter((state) => !JOB_STATES.includes(state as JobState));
  if (unknown.length > 0) throw new Error(`--state ${unknown.join(', ')}: expected ${JOB_STATES.join(', ')}.`);
  return states.length > 0 ? (states as JobState[]) : [...JOB_STATES];
}

async function listLocal(config: ReturnType<typeof loadConfig>, states: readonly JobState[]): Promise<JobView[]> {
  const store = await createStore(config);
  try {
    const listing = new JobListing(store);
    const jobs: JobView[] = [];
    let cursor: JobCursor | undefined;
    do {
      const page = await listing.page('all', states, cursor, PAGE);
      jobs.push(...page.jobs.map(jobView));
      cursor = page.next;
    } while (cursor);
    return jobs;
  } finally {
    await store.close();
  }
}

function table(jobs: readonly JobView[], operator: boolean): string {
  if (jobs.length === 0) return 'No jobs.\n';
  const when = (seconds: number | undefined) => (seconds === undefined ? '' : new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));
  const rows = jobs.map((job) => [
    String(job.jobId), job.state, job.kind, attemptsCell(job), when(job.createdAt), when(job.startedAt),
    when(job.state === 'FAILED' ? job.failedAt : job.nextAttemptAt), job.state === 'FAILED' ? failedWords(job).sentence : '', ...(operator ? [job.node ?? ''] : []),
    job.resources.join(' '), oneLine(job.lastError ?? ''),
  ]);
  const header = ['ID', 'STATE', 'KIND', 'ATTEMPTS', 'CREATED', 'STARTED', 'NEXT/FAILED AT', 'ENDED', ...(operator ? ['NODE'] : []), 'RESOURCE', 'LAST ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** The attempts counted, and those a store outage cut short (not counted) after them: `0 (+1 cut short)`. */
function attemptsCell(job: JobView): string {
  return job.interruptedAttempts ? `${job.attempts} (+${job.interruptedAttempts} cut short)` : String(job.attempts);
}

/** An error's first line, at most 120 characters (the JSON output has it whole). */
function oneLine(text: string): string {
  const first = text.split('\n')[0];
  return first.length > 120 ? `${first.slice(0, 117)}...` : first;
}
