import type { JobCancelledWhile } from '../../api/trove/jobs-outputs.js';

/**
 * A cancel in words, as a cancelled job's error and its dataset's status message say it
 * (JobCancelled): by the access key that asked (CancelJob), none when an operator did.
 */
export function cancelWords(by: string): string {
  return by ? `cancelled by access key ${by} (CancelJob)` : 'cancelled (CancelJob)';
}

/** What a failed job's note adds to the cancel's words, by the state the cancel found it in (none: it had never started). */
const WHEN: Record<JobCancelledWhile, string> = { QUEUED: '', RETRYING: ' while waiting to retry', RUNNING: ' while running' };

/**
 * The note (failed_jobs.last_error, ListJobs' `lastError`) of a job a cancel failed: the cancel's
 * words and when it came, the one place a failed job keeps that (ListJobs' `cancelledWhile`).
 */
export function cancelNote(by: string, found: JobCancelledWhile): string {
  return `${cancelWords(by)}${WHEN[found]}`;
}

const NOTE = /^cancelled (?:by access key \S+ )?\(CancelJob\)( while running| while waiting to retry)?$/;

/**
 * When the failed job with this note and these counted attempts was cancelled (cancelNote);
 * undefined when it was not, or when a note written before Trove said when does not tell (a
 * cancelled job with attempts counted: running, or waiting to retry).
 */
export function cancelledWhile(lastError: string | null, attempts: number): JobCancelledWhile | undefined {
  const note = lastError === null ? null : NOTE.exec(lastError);
  if (!note) return undefined;
  if (note[1]) return note[1] === WHEN.RUNNING ? 'RUNNING' : 'RETRYING';
  return attempts === 0 ? 'QUEUED' : undefined;
}
