import { ChangeLog } from '../../../domain/rekognition/history/change-log.js';
import type { ChangeOrigin } from '../../../domain/rekognition/history/change-log.js';
import type { IngestResult } from '../../../domain/rekognition/ingest.js';
import type { RekognitionLimits } from '../../../domain/rekognition/rekognition-deps.js';
import { BatchRejected, RevisionWriter } from '../../../domain/rekognition/revision-writer.js';
import { failure } from '../../../domain/rekognition/status.js';
import type { Repositories } from '../../../store/store.js';
import { JobCancelled, LeftToRunner } from '../../job.js';
import type { JobContext } from '../../job.js';
import { cancelledChange } from '../cancelled-change.js';

/**
 * AWS: terminal content errors drop their line, and when more than 20% of the lines are in error
 * the whole create or update fails (ERROR_TOO_MANY_RECORDS_IN_ERROR). The 20% counts all such
 * failures together, missing and invalid images included ("15% bad JSON plus 15% bad images
 * fails"). Trove counts dropped lines plus entries with ERROR_INVALID_IMAGE(_DIMENSION); other
 * non-terminal label errors do not count. An empty change fails too.
 */
export function terminalErrorCheck(result: IngestResult, limits: RekognitionLimits): BatchRejected | undefined {
  if (result.lines === 0) return new BatchRejected('ERROR_EMPTY_MANIFEST', 'The manifest file is empty.', true);
  const inError = result.dropped + result.invalidImages;
  if (inError > result.lines * limits.maxTerminalErrorRatio) {
    const images = result.invalidImages > 0 ? `, and ${result.invalidImages} point at a missing or invalid image` : '';
    return new BatchRejected('ERROR_TOO_MANY_RECORDS_IN_ERROR',
      `The manifest file has too many terminal errors: ${inError} of ${result.lines} lines are in error (more than `
      + `${Math.round(limits.maxTerminalErrorRatio * 100)}%). ${result.dropped} are invalid JSON, have a missing, malformed or `
      + `repeated source-ref, or are longer than 100,000 characters${images}.`, result.invalidImages === 0);
  }
  return undefined;
}

/**
 * Commits a batch through `commit` in the job's finishing transaction; when the commit refuses
 * the batch (BatchRejected), every writer's rows are discarded and each dataset is marked
 * `failedStatus` with StatusMessageCode CLIENT_ERROR. Resolves to the rejection, if any.
 * `linesInRequest`: the lines came with the request (a change's body), not from a file.
 */
export async function commitOrReject(
  ctx: JobContext,
  writers: readonly RevisionWriter[],
  failedStatus: 'CREATE_FAILED' | 'UPDATE_FAILED',
  commit: (tx: Repositories, now: number) => Promise<unknown>,
  linesInRequest = false,
): Promise<BatchRejected | undefined> {
  try {
    await ctx.finish((tx) => commit(tx, ctx.clock.now()));
    return undefined;
  } catch (error) {
    if (!(error instanceof BatchRejected)) throw error;
    await rejectBatch(ctx, writers, failedStatus, error, linesInRequest);
    return error;
  }
}

/**
 * Discards the writers' rows and finishes the job with each dataset in `failedStatus`; each
 * failed change is still a revision in the dataset's history (RevisionWriter.fail). The job is
 * kept as FAILED; RetryJob may queue it again, except when its lines came with the
 * request and were rejected for themselves alone: a retry would fail the same way.
 */
export async function rejectBatch(
  ctx: JobContext, writers: readonly RevisionWriter[], failedStatus: 'CREATE_FAILED' | 'UPDATE_FAILED', rejection: BatchRejected,
  linesInRequest = false,
): Promise<void> {
  ctx.logger.info({ code: rejection.code }, 'batch rejected');
  const retryRefusal = linesInRequest && rejection.byLinesAlone
    ? `It was rejected for its own lines (${rejection.code}; no image was missing or invalid): a retry would fail the same way. Send a corrected change.`
    : undefined;
  await failWriters(ctx, writers, failedStatus, rejection.code, rejection.message, 'CLIENT_ERROR', { error: `${rejection.code}: ${rejection.message}`, retryRefusal });
}

/**
 * The give-up path of every batch job: discard, then fail with SERVICE_ERROR (the client may
 * retry); or, for a job cancelled (CancelJob), with code CANCELLED, saying by whom, and offering
 * RetryJob only when RetryJob would take it (retryRefusal: its kind and request).
 */
export async function failForService(
  ctx: JobContext, writers: readonly RevisionWriter[], failedStatus: 'CREATE_FAILED' | 'UPDATE_FAILED', error: unknown,
): Promise<void> {
  if (error instanceof JobCancelled) {
    return failWriters(ctx, writers, failedStatus, 'CANCELLED', cancelledChange(ctx, 'The change', error), 'CLIENT_ERROR');
  }
  await failWriters(ctx, writers, failedStatus, 'SERVICE_ERROR', `Trove could not apply the change (${String(error)}). Try again.`, 'SERVICE_ERROR');
}

/** `failed`: the job is noted failed for this (a rejection); else it ends as its context says (given up, cancelled). */
async function failWriters(
  ctx: JobContext, writers: readonly RevisionWriter[], failedStatus: 'CREATE_FAILED' | 'UPDATE_FAILED',
  code: string, message: string, messageCode: 'CLIENT_ERROR' | 'SERVICE_ERROR', failed?: { error: string; retryRefusal?: string },
): Promise<void> {
  // A cancel answered in its request never deletes there: what an earlier attempt wrote (an
  // import's chunks, any number of rows) goes in the runner's bounded transactions.
  if (ctx.inRequest) for (const writer of writers) if (await writer.wroteAny()) throw new LeftToRunner();
  for (const writer of writers) await writer.abandon();
  const write = async (tx: Repositories) => {
    for (const writer of writers) await writer.fail(tx, failure(failedStatus, code, message, messageCode, ctx.clock.now()), { code, message });
  };
  await (failed ? ctx.fail(write, failed) : ctx.finish(write));
}

/** A writer for the dataset's next revision, recording it in history as `origin`; undefined when the dataset is gone. */
export async function writerFor(datasetId: number, ctx: JobContext, limits: RekognitionLimits, origin: ChangeOrigin): Promise<RevisionWriter | undefined> {
  const dataset = await ctx.store.rkDatasets.findById(datasetId);
  return dataset && new RevisionWriter(ctx, dataset, limits, new ChangeLog(origin));
}
