import { GetDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useEffect, useState } from 'react';
import { cancellingWords } from '../../../src/api/trove/jobs-outputs.js';
import { useJobsClient } from '../lib/api-clients.js';
import { usePermission, useTrovePermission } from '../lib/caller.js';
import { useClients } from '../lib/clients.js';
import { errorCode } from '../lib/errors.js';
import { plural, whenExact } from '../lib/format.js';
import { useAction } from '../lib/use-action.js';
import { href, Link } from '../lib/router.js';
import { PagerControls, usePolledPages } from '../shell/pager.js';
import { Problem } from '../shell/problem.js';
import { attemptWords, errorPreview, jobResource, jobTimes, kindWords, STATE_TONE, STATE_WORDS, STATES, statesFromQuery } from './job-model.js';
import type { JobState, JobView } from './job-model.js';
import './jobs.css';

/** Jobs per page (ListJobs' maxResults). */
const PAGE = 50;
/** How often the page on screen is read again while the tab is visible. */
const REFRESH_MS = 3000;

/**
 * The caller's background jobs (Trove API ListJobs, docs/trove-api.md): queued, running, retrying
 * and failed, with what each works on, its times and its last error; read again every few
 * seconds while the tab is visible. The same listing as `bin/trove jobs list`.
 */
export function JobsPage({ query }: { query: URLSearchParams }) {
  const { session } = useClients();
  const jobs = useJobsClient();
  const states = statesFromQuery(query.getAll('state'));
  const allowed = useTrovePermission('ListJobs', [], 'Not allowed');
  const pages = usePolledPages<JobView>(async (token) => {
    if (!allowed.allowed) return { items: [] };
    const page = await jobs.list({ states, maxResults: PAGE, nextToken: token });
    return { items: page.jobs, nextToken: page.nextToken };
  }, allowed.allowed ? REFRESH_MS : undefined, [states, allowed.allowed]);
  const { page } = pages;
  const chosen = states.length === 1 ? states[0] : undefined;
  const now = Date.now();
  const names = useAgentCoreNames(page.data?.items ?? []);
  return (
    <section className="jobs-page" aria-labelledby="jobs-heading">
      <h1 id="jobs-heading">Jobs</h1>
      <p className="muted jobs-intro">
        The work Trove does in the background after it has accepted a request (creating a dataset, applying entries, publishing a
        version, deleting): queued, running, retrying after a failed attempt, or failed (kept 7 days, and retried from here). Jobs on your
        datasets in {session.region}, read again every {REFRESH_MS / 1000} seconds.
      </p>
      {!allowed.allowed ? (
        <p className="note jobs-refused" role="status">{allowed.reason} The datasets' pages work as before.</p>
      ) : (
        <>
          <nav className="state-filter" aria-label="Show jobs that are">
            <Link to={href('/jobs')} aria-current={chosen === undefined ? 'page' : undefined}>All</Link>
            {STATES.map((state) => (
              <Link key={state} to={href('/jobs', { state })} aria-current={chosen === state ? 'page' : undefined}>{STATE_WORDS[state]}</Link>
            ))}
          </nav>
          {page.error !== undefined && <Problem error={page.error} retry={page.reload} />}
          {page.loading && !page.data && <p className="muted" role="status">Reading the jobs…</p>}
          {page.data && page.data.items.length === 0 && page.data.number === 1 && <NoJobs state={chosen} />}
          <ol className="jobs" aria-label={chosen ? `${STATE_WORDS[chosen]} jobs` : 'Jobs'}>
            {page.data?.items.map((job) => (
              <JobItem key={`${job.state === 'FAILED' ? 'f' : 'o'}${job.jobId}`} job={job} now={now} names={names} onChanged={page.reload} />
            ))}
          </ol>
          <PagerControls label="Pages of jobs" {...pages} />
        </>
      )}
    </section>
  );
}

function NoJobs({ state }: { state: JobState | undefined }) {
  if (state) return <p className="jobs-empty" role="status">No {STATE_WORDS[state].toLowerCase()} jobs.</p>;
  return (
    <p className="jobs-empty" role="status">
      No jobs are waiting: nothing is queued, running or retrying, and no job failed in the last 7 days.
    </p>
  );
}

/**
 * AgentCore dataset names for the jobs on screen (a job names its dataset by ARN, whose last part
 * is the id): read once per dataset with GetDataset; a deleted dataset, or one the caller may not
 * read, stays shown by its id.
 */
function useAgentCoreNames(jobs: readonly JobView[]): ReadonlyMap<string, string> {
  const { agentcore } = useClients();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [asked] = useState(() => new Set<string>());
  const ids = [...new Set(jobs.flatMap((job) => job.resources.map((arn) => jobResource(arn))).filter((r) => r.service === 'AgentCore').map((r) => r.page!.query['id']))];
  const key = ids.join(' ');
  useEffect(() => {
    for (const id of ids.filter((id) => !asked.has(id))) {
      asked.add(id);
      agentcore.send(new GetDatasetCommand({ datasetId: id })).then(
        (d) => d.datasetName && setNames((known) => new Map(known).set(id, d.datasetName!)),
        () => undefined,
      );
    }
  }, [key]);
  return names;
}

function JobItem({ job, now, names, onChanged }: { job: JobView; now: number; names: ReadonlyMap<string, string>; onChanged: () => void }) {
  const kind = kindWords(job.kind, job.requestAction);
  const tone = STATE_TONE[job.state];
  return (
    <li className={`job job-${job.state.toLowerCase()}`} data-job-id={job.jobId} data-state={job.state}>
      <div className="job-head">
        <span className={`badge badge-${tone}`}>{STATE_WORDS[job.state]}</span>
        <h2>{kind.words}</h2>
        <span className="muted small">
          {kind.call && <><code>{kind.call}</code> · </>}job {job.jobId} · {attemptWords(job)}
        </span>
      </div>
      <ul className="job-resources" aria-label="Works on">
        {job.resources.map((arn) => {
          const resource = jobResource(arn, names);
          return (
            <li key={arn}>
              {resource.service && <span className="muted">{resource.service} </span>}
              {resource.page ? <Link to={href(resource.page.path, resource.page.query)} title={arn}>{resource.label}</Link> : <span className="break">{resource.label}</span>}
            </li>
          );
        })}
      </ul>
      <dl className="job-times">
        {jobTimes(job, now).map((fact) => (
          <div key={fact.label}>
            <dt>{fact.label}</dt>
            <dd>{fact.at !== undefined ? <time dateTime={new Date(fact.at * 1000).toISOString()}>{whenExact(fact.at)}</time> : fact.text}</dd>
          </div>
        ))}
      </dl>
      {job.lastError && <JobError text={job.lastError} failed={job.state === 'FAILED'} />}
      <JobActions job={job} onChanged={onChanged} />
    </li>
  );
}

/**
 * Retry (a failed job, RetryJob) and Cancel (an open one, CancelJob, after a confirmation), as
 * the server says per job (ListJobs' `retryable`, `cancellable` and their refusals, `requestAction`:
 * the rules live in src/domain/jobs/, not here); the list is read again once either is answered,
 * refused or not (a refused cancel: the job started running, or ended, meanwhile).
 */
function JobActions({ job, onChanged }: { job: JobView; onChanged: () => void }) {
  const jobs = useJobsClient();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string>();
  const [failedCall, setFailedCall] = useState<'retry' | 'cancel'>();
  // The job's own action on its dataset(s), which a retry or a cancel needs too.
  const own = job.requestAction ? [[job.requestAction, job.resources] as const] : [];
  const retryAllowed = usePermission(['trove:RetryJob', job.resources], ...own);
  const cancelAllowed = usePermission(['trove:CancelJob', job.resources], ...own);
  const act = async <A,>(call: 'retry' | 'cancel', send: () => Promise<A>, said: (answer: A) => string) => {
    setConfirming(false);
    setDone(undefined);
    setFailedCall(call);
    const answer = await action.run(send);
    if (answer) setDone(said(answer));
    onChanged();
  };
  let controls;
  if (job.state === 'FAILED') {
    // The server's reason (ListJobs' retryRefusal); the generic sentence only for a server that sends none.
    const refused = !job.retryable
      ? job.retryRefusal ?? 'Trove cannot run it again (e.g. a conditional save, an uploaded file, or lines rejected for themselves): send the request again.'
      : retryAllowed.allowed ? undefined : retryAllowed.reason;
    controls = (
      <button type="button" className="small" disabled={refused !== undefined || action.busy} title={refused ?? 'Run it again from the request it stored (RetryJob)'}
        onClick={() => void act('retry', () => jobs.retry(job.jobId), () => `Job ${job.jobId} is queued again.`)}>
        {action.busy ? 'Retrying…' : 'Retry'}
      </button>
    );
  } else if (job.cancelRequestedBy !== undefined) {
    // What becomes of it depends on its state (CancelJob's jobState; the list is read again at
    // once, so the answer itself only confirms the cancel was asked for).
    controls = <span className="muted small" role="status">Cancelling: {cancellingWords(job.state)}.</span>;
  } else if (job.cancellable === false) {
    // A deletion, or a running AgentCore job: no Cancel, and why (CancelJob would refuse it so).
    controls = <p className="muted small job-refusal">{job.cancelRefusal}</p>;
  } else if (job.cancellable) {
    const refused = cancelAllowed.allowed ? undefined : cancelAllowed.reason;
    controls = confirming ? (
      <div className="confirm-inline" role="group" aria-label={`Cancel job ${job.jobId}`}>
        <p className="small">
          Cancel job {job.jobId}? {job.state === 'RUNNING' ? 'It stops at its next step' : job.attempts + (job.interruptedAttempts ?? 0) > 0 ? 'It will not run again' : 'It will not run'}; nothing of it is applied, and its
          dataset is marked failed (CANCELLED).{job.retryable ? ' A cancelled job can be retried later.' : ''}
        </p>
        <button type="button" className="small danger" disabled={action.busy}
          onClick={() => void act('cancel', () => jobs.cancel(job.jobId), (answer) => (answer.state === 'CANCELLED' ? `Job ${job.jobId} is cancelled.` : `Job ${job.jobId}: cancel asked for.`))}>
          Cancel job {job.jobId}
        </button>
        <button type="button" className="small" onClick={() => setConfirming(false)}>Keep it</button>
      </div>
    ) : (
      <button type="button" className="small" disabled={refused !== undefined || action.busy} title={refused ?? 'Stop it: nothing of it is applied (CancelJob)'}
        onClick={() => setConfirming(true)}>{action.busy ? 'Cancelling…' : 'Cancel…'}</button>
    );
  }
  if (!controls && action.error === undefined && !done) return null;
  // A cancel refused for the job's state (it started running, or ended, since the list was read):
  // not "the dataset is busy", which is what a conflict usually means; the server's message says why.
  const words = failedCall === 'cancel' && errorCode(action.error) === 'ConflictException'
    ? `Job ${job.jobId} was not cancelled: it changed since the list was read (shown as it is now). Nothing was changed.` : undefined;
  return (
    <div className="job-actions">
      {controls}
      {done && <span className="muted small" role="status">{done}</span>}
      {action.error !== undefined && <Problem error={action.error} change words={words} />}
    </div>
  );
}

function JobError({ text, failed }: { text: string; failed: boolean }) {
  const preview = errorPreview(text);
  const title = failed ? 'Error' : 'Last attempt\'s error';
  return (
    <div className="job-error">
      <h3>{title}</h3>
      {preview.long ? (
        <details>
          <summary><span className="job-error-start">{preview.start}</span> <span className="job-error-more">Show all ({plural(text.length, 'character', 'characters')})</span></summary>
          <pre>{text}</pre>
        </details>
      ) : <pre>{text}</pre>}
    </div>
  );
}
