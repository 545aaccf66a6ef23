// The Jobs page's words and numbers: what a job does, what it works on (and where that is in the
// console), how long it has waited or run. Pure: no DOM, no React (test/unit/console/job-model.test.ts).

import { duration, failedWords } from '../../../src/api/trove/jobs-outputs.js';
import type { JobState, JobView } from '../../../src/client/jobs-client.js';
import { plural } from '../lib/format.js';

export type { JobState, JobView } from '../../../src/client/jobs-client.js';
export { duration } from '../../../src/api/trove/jobs-outputs.js';

/** The states in the order ListJobs lists them, as the filter offers them. */
export const STATES: readonly JobState[] = ['QUEUED', 'RUNNING', 'RETRYING', 'FAILED'];

export const STATE_WORDS: Record<JobState, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  RETRYING: 'Retrying',
  FAILED: 'Failed',
};

/** The badge colour of a state (the StatusBadge classes): waiting is neutral, a failure red. */
export const STATE_TONE: Record<JobState, 'wait' | 'busy' | 'warn' | 'bad'> = {
  QUEUED: 'wait',
  RUNNING: 'busy',
  RETRYING: 'warn',
  FAILED: 'bad',
};

/**
 * Each job kind (its stored name, RekognitionJobs and AgentCoreJobs: a unit test checks every one is here)
 * in words, and the call that made it.
 */
const KIND_WORDS: Record<string, { readonly words: string; readonly call: string }> = {
  'rekognition.create-dataset': { words: 'Creating a dataset', call: 'CreateDataset' },
  'rekognition.update-entries': { words: 'Updating entries', call: 'UpdateDatasetEntries' },
  'rekognition.distribute-entries': { words: 'Distributing entries between TRAIN and TEST', call: 'DistributeDatasetEntries' },
  'rekognition.delete-dataset': { words: 'Deleting a dataset', call: 'DeleteDataset' },
  'rekognition.delete-project': { words: 'Deleting a project', call: 'DeleteProject' },
  'rekognition.restore-snapshot': { words: 'Restoring a snapshot', call: 'RestoreDatasetSnapshot' },
  'agentcore.write-examples': { words: 'Writing examples', call: 'CreateDataset, *DatasetExamples' },
  'agentcore.publish-staged-examples': { words: 'Writing examples', call: 'CreateDataset, *DatasetExamples' },
  'agentcore.publish-version': { words: 'Publishing a version', call: 'CreateDatasetVersion' },
  'agentcore.delete-version': { words: 'Deleting a version', call: 'DeleteDataset (a version)' },
  'agentcore.delete-dataset': { words: 'Deleting a dataset', call: 'DeleteDataset' },
  'agentcore.purge-examples': { words: 'Removing a deleted dataset\'s examples', call: 'DeleteDataset' },
};

/** Kinds one of several calls makes (an AgentCore example batch): the one that made a job is its request's action. */
const CALL_FROM_REQUEST: ReadonlySet<string> = new Set(['agentcore.write-examples', 'agentcore.publish-staged-examples']);

/**
 * "Updating entries" and the call behind it; a kind this console does not know is shown by its
 * name. `requestAction`: ListJobs' (e.g. `bedrock-agentcore:AddDatasetExamples`), which names the
 * call of a kind several calls make.
 */
export function kindWords(kind: string, requestAction?: string): { readonly words: string; readonly call?: string } {
  const known = KIND_WORDS[kind] ?? { words: kind };
  if (requestAction && CALL_FROM_REQUEST.has(kind)) return { words: known.words, call: requestAction.slice(requestAction.indexOf(':') + 1) };
  return known;
}

/** What a job works on, named as the console names it, with its page (a path and query for `href`) when the console has one. */
export interface JobResource {
  readonly arn: string;
  readonly service: 'Rekognition' | 'AgentCore' | undefined;
  readonly label: string;
  readonly page?: { readonly path: string; readonly query: Readonly<Record<string, string>> };
}

/** `names`: AgentCore dataset names by id, where known (the ARN holds the id only). */
export function jobResource(arn: string, names?: ReadonlyMap<string, string>): JobResource {
  const dataset = /^arn:aws:rekognition:[^:]*:\d*:project\/([^/]+)\/dataset\/([a-z]+)\/\d+$/.exec(arn);
  if (dataset) return { arn, service: 'Rekognition', label: `${dataset[1]} · ${dataset[2].toUpperCase()}`, page: { path: '/rekognition/dataset', query: { arn } } };
  const project = /^arn:aws:rekognition:[^:]*:\d*:project\/([^/]+)\/\d+$/.exec(arn);
  if (project) return { arn, service: 'Rekognition', label: `project ${project[1]}`, page: { path: '/rekognition/project', query: { name: project[1] } } };
  const agentcore = /^arn:aws:bedrock-agentcore:[^:]*:\d*:dataset\/([^/]+)$/.exec(arn);
  if (agentcore) return { arn, service: 'AgentCore', label: names?.get(agentcore[1]) ?? agentcore[1], page: { path: '/agentcore/dataset', query: { id: agentcore[1] } } };
  return { arn, service: undefined, label: arn };
}

/**
 * A job's attempts in words: those counted ("2 attempts"), and those a store outage cut short,
 * which are not ("1 attempt cut short", "2 attempts, 1 more cut short"); none of either: it has
 * not started ("not tried yet"; a failed one was cancelled before it did: "never run").
 */
export function attemptWords(job: JobView): string {
  const cut = job.interruptedAttempts ?? 0;
  if (job.attempts === 0 && cut === 0) return job.state === 'FAILED' ? 'never run' : 'not tried yet';
  if (cut === 0) return plural(job.attempts, 'attempt', 'attempts');
  if (job.attempts === 0) return `${plural(cut, 'attempt', 'attempts')} cut short`;
  return `${plural(job.attempts, 'attempt', 'attempts')}, ${cut} more cut short`;
}

/** One fact of a job's times: a moment (epoch seconds) or a length of time (already in words). */
export interface TimeFact {
  readonly label: string;
  readonly at?: number;
  readonly text?: string;
}

/**
 * When a job was queued and started, and how long it has waited or run, `now` (epoch ms) being
 * the browser's clock (a clock behind the server's shows 0 s, never a negative time).
 */
export function jobTimes(job: JobView, now: number): TimeFact[] {
  const since = (seconds: number) => duration(now - seconds * 1000);
  const queued: TimeFact = { label: 'Queued', at: job.createdAt };
  const cut = job.interruptedAttempts ?? 0;
  switch (job.state) {
    case 'QUEUED':
      // An attempt a store outage cut short ran for part of that time: it has not only waited.
      return [queued, { label: cut > 0 ? 'Since queued' : 'Waiting', text: since(job.createdAt) }, ...later(job, now)];
    case 'RUNNING': {
      const started = job.startedAt ?? job.createdAt;
      return [
        queued, { label: 'Started', at: started },
        { label: job.attempts + cut > 1 ? 'Waited (all attempts)' : 'Waited', text: duration((started - job.createdAt) * 1000) },
        { label: 'Running', text: since(started) },
      ];
    }
    case 'RETRYING':
      return [queued, { label: 'Since queued', text: since(job.createdAt) }, ...later(job, now)];
    case 'FAILED': {
      const { label, text } = failedWords(job);
      return [queued, { label: 'Failed', at: job.failedAt }, { label, text }];
    }
  }
}

/** A waiting job's next attempt, when it is not due yet (a due one starts as soon as a runner is free). */
function later(job: JobView, now: number): TimeFact[] {
  if (job.nextAttemptAt === undefined || job.nextAttemptAt * 1000 <= now) return [];
  return [{ label: 'Next attempt in', text: duration(job.nextAttemptAt * 1000 - now) }];
}

/** Errors longer than this (or of more lines) are shown folded, their start first. */
const SHORT_ERROR = 240;
const SHORT_LINES = 3;

/** An error as the page shows it: whole when short; else its start (a line, at most SHORT_ERROR characters), the rest on demand. */
export function errorPreview(text: string): { readonly long: false } | { readonly long: true; readonly start: string } {
  const lines = text.split('\n');
  if (text.length <= SHORT_ERROR && lines.length <= SHORT_LINES) return { long: false };
  const first = lines[0];
  return { long: true, start: first.length > SHORT_ERROR ? `${first.slice(0, SHORT_ERROR - 1)}…` : first };
}

/** The states chosen in the page's URL (`?state=FAILED`); none or unknown: every state. */
export function statesFromQuery(values: readonly string[]): JobState[] {
  return STATES.filter((state) => values.includes(state));
}
