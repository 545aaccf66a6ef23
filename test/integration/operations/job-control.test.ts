import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedCredential } from '../../../src/auth/credential-service.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import type { JobView } from '../../../src/client/jobs-client.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { jobTimes } from '../../../console/src/jobs/job-model.js';
import { SETTLED, statusChange } from '../../../src/domain/rekognition/status.js';
import { BACKENDS } from '../../harness/backends.js';
import { newDataset, startImport } from '../../harness/exchange.js';
import { rawSql } from '../../harness/raw-sql.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// RetryJob and CancelJob (docs/trove-api.md) through the real API, the official Rekognition SDK
// reading the datasets back, files in a real S3-compatible server (s3rver), and bin/trove.

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const OWNER = '111111111111';

/** A COCO file of `count` 64x64 images under `s3://photos/<folder>/`, each with one `cat` box. */
function coco(count: number): string {
  const images = Array.from({ length: count }, (_, i) => ({ id: i + 1, file_name: `img-${i}.png`, width: 64, height: 64 }));
  const annotations = images.map((image) => ({ id: image.id, image_id: image.id, category_id: 1, bbox: [4, 4, 20, 20] }));
  return JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'cat' }] });
}

async function refusal(call: Promise<unknown>): Promise<[number, string, string]> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  const { status, code, message } = error as TroveApiCallError;
  return [status, code, message];
}

describe.each(BACKENDS)('jobs: RetryJob and CancelJob (%s)', (backend) => {
  let s3: TestS3;
  let server: TestServer;
  let owner: IssuedCredential;
  let jobs: (who?: IssuedCredential) => JobsClient;
  let rekognition: RekognitionClient;

  const jobOf = async (arn: string, who = owner): Promise<JobView | undefined> => (await jobs(who).all()).find((job) => job.resources.includes(arn));
  /** Pieces of a job's stored bytes (job_bodies). */
  const bodyPieces = async (jobId: number) => Number((await rawSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM job_bodies WHERE job_id = ?', [jobId])).rows[0].n);
  const entriesOf = async (arn: string) => (await allEntries(rekognition, { DatasetArn: arn })).map((entry) => String(entry['source-ref'])).sort();
  const trove = (who: IssuedCredential, ...args: string[]) => run(process.execPath, [BIN, ...args, '--endpoint', server.url], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: who.accessKeyId, AWS_SECRET_ACCESS_KEY: who.secretAccessKey, AWS_REGION: 'us-east-1' },
  });
  const cli = (who: IssuedCredential, ...args: string[]) => trove(who, 'jobs', ...args);

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('photos');
    // The images are not read (no image checks): what is retried or cancelled here is the lines' fate.
    server = await startServer({
      backend, objectStore: { mode: 's3', s3: { endpoint: s3.endpoint, region: 'us-east-1', ...S3RVER_CREDENTIALS } }, imageChecks: { enabled: false },
    });
    owner = await server.createCredential({ account: OWNER });
    await server.trove.buckets.create('photos', OWNER);
    jobs = (who = owner) => new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: who }));
    rekognition = server.rekognition({ credentials: owner });
  }, 60_000);
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
    await s3?.close();
  });

  it('retries an import whose COCO file was gone when it ran, once the file is back: UPDATE_IN_PROGRESS, then UPDATE_COMPLETE with the entries', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/kept.png', 'dog')]);
    await s3.put('photos', 'transient/coco.json', coco(3));
    server.trove.runner.pause();
    await startImport(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: owner }), arn, 'COCO', 's3://photos/transient/coco.json', 's3://photos/transient/');
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'transient/coco.json' }));
    server.trove.runner.resume();
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR' });
    const failed = (await jobOf(arn))!;
    expect(failed).toMatchObject({ state: 'FAILED', kind: 'rekognition.update-entries', retryable: true });
    expect(failed.lastError).toMatch(/^ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: .*s3:\/\/photos\/transient\/coco\.json/);

    // Its input is still missing: refused, and nothing changes.
    const [status, code, message] = await refusal(jobs().retry(failed.jobId));
    expect([status, code]).toEqual([409, 'ConflictException']);
    expect(message).toContain('s3://photos/transient/coco.json');
    expect((await jobOf(arn))?.state).toBe('FAILED');

    await s3.put('photos', 'transient/coco.json', coco(3));
    server.trove.runner.pause();
    expect(await jobs().retry(failed.jobId)).toEqual({ jobId: failed.jobId, state: 'QUEUED', resources: [arn] });
    expect((await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toBe('UPDATE_IN_PROGRESS');
    expect(await jobOf(arn)).toMatchObject({ jobId: failed.jobId, state: 'QUEUED', attempts: 0 });
    // A second retry, or a new change, while it is queued: the dataset is not settled.
    expect((await refusal(jobs().retry(failed.jobId))).slice(0, 2)).toEqual([409, 'ConflictException']);
    server.trove.runner.resume();
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 4 } });
    expect(await entriesOf(arn)).toEqual(['s3://photos/kept.png', ...[0, 1, 2].map((i) => `s3://photos/transient/img-${i}.png`)]);
    expect(await jobOf(arn)).toBeUndefined();
    expect((await refusal(jobs().retry(failed.jobId))).slice(0, 2)).toEqual([404, 'ResourceNotFoundException']);
  });

  it('cancels a change waiting to retry: listed as cancelled while waiting to retry, not as given up nor as never run', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/one.png', 'cat')]);
    server.trove.runner.pause();
    try {
      await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/two.png', 'cat')) } }));
      const queued = (await jobOf(arn))!;
      // As a failed first attempt leaves it (JobsRepository.retryLater, without rows written): waiting for its second.
      await rawSql(server, 'UPDATE jobs SET attempts = 1, last_error = ? WHERE id = ?', ['Error: the object store did not answer', queued.jobId]);
      expect(await jobOf(arn)).toMatchObject({ jobId: queued.jobId, state: 'RETRYING', attempts: 1 });
      expect((await jobs().cancel(queued.jobId)).state).toBe('CANCELLED');
      const failed = (await jobOf(arn))!;
      expect(failed).toMatchObject({
        state: 'FAILED', attempts: 1, cancelledWhile: 'RETRYING', lastError: `cancelled by access key ${owner.accessKeyId} (CancelJob) while waiting to retry`,
      });
      const times = jobTimes(failed, Date.now());
      expect(times.map((fact) => fact.label)).toEqual(['Queued', 'Failed', 'Cancelled after']);
      expect(times[2].text).toMatch(/^\d+ s while waiting to retry$/);
    } finally {
      server.trove.runner.resume();
    }
  });

  it('cancels a queued change (it never runs), then retries it from its stored bytes', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/one.png', 'cat')]);
    server.trove.runner.pause();
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/two.png', 'cat')) } }));
    const queued = (await jobOf(arn))!;
    expect(queued.state).toBe('QUEUED');
    expect(await jobs().cancel(queued.jobId)).toEqual({ jobId: queued.jobId, state: 'CANCELLED', resources: [arn] });
    const description = (await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription!;
    expect(description).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR', DatasetStats: { TotalEntries: 1 } });
    expect(description.StatusMessage).toMatch(new RegExp(`^CANCELLED: The change was cancelled by access key ${owner.accessKeyId} \\(CancelJob\\)`));
    expect(description.StatusMessage).toContain('Retry it (RetryJob) or send it again.');
    expect(await jobOf(arn)).toMatchObject({ jobId: queued.jobId, state: 'FAILED', attempts: 0, retryable: true, lastError: `cancelled by access key ${owner.accessKeyId} (CancelJob)` });
    // It never runs: the runner, back, has nothing to do, and the dataset is as it was.
    server.trove.runner.resume();
    await server.trove.runner.idle();
    expect(await entriesOf(arn)).toEqual(['s3://photos/one.png']);
    const [status, code, message] = await refusal(jobs().cancel(queued.jobId));
    expect([status, code, message]).toEqual([409, 'ConflictException', `Job ${queued.jobId} has failed already: a job that has ended cannot be cancelled.`]);
    expect(await bodyPieces(queued.jobId)).toBe(1);

    // The kept bytes run again.
    expect((await jobs().retry(queued.jobId)).state).toBe('QUEUED');
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 2 } });
    expect(await entriesOf(arn)).toEqual(['s3://photos/one.png', 's3://photos/two.png']);
    // Finished, it keeps nothing: its pieces go in their own statement once its result is visible.
    await eventually(async () => ((await bodyPieces(queued.jobId)) === 0 ? true : undefined), 10_000, 'the retried job\'s pieces to go');
  });

  it('a cancelled restore, which RetryJob cannot queue again, is not said to be retryable', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/r1.png', 'cat')]);
    const api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: owner });
    const path = `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/snapshots`;
    await api.call('POST', path, { body: { name: 'kept' } });
    server.trove.runner.pause();
    try {
      await api.call('POST', `${path}/kept/restore`);
      const queued = (await jobOf(arn))!;
      expect(queued.kind).toBe('rekognition.restore-snapshot');
      expect((await jobs().cancel(queued.jobId)).state).toBe('CANCELLED');
    } finally {
      server.trove.runner.resume();
    }
    const message = (await settled(rekognition, arn)).StatusMessage!;
    expect(message).toMatch(/^CANCELLED: The change was cancelled by access key .*; nothing of it was applied\. Send it again\.$/);
    expect(await jobOf(arn)).toMatchObject({ state: 'FAILED', retryable: false, retryRefusal: 'Jobs of this kind are not retried: send the request that made it again.' });
  });

  it('cancels a running 30,000-image import at its next step: nothing published, the dataset as it was', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/before.png', 'dog')]);
    await s3.put('photos', 'large/coco.json', coco(30_000));
    const api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: owner });
    await startImport(api, arn, 'COCO', 's3://photos/large/coco.json', 's3://photos/large/');
    const running = await eventually(async () => {
      const job = await jobOf(arn);
      return job?.state === 'RUNNING' ? job : undefined;
    }, 20_000, 'the import running');
    const answer = await jobs().cancel(running.jobId);
    expect(answer.jobId).toBe(running.jobId);
    expect(['CANCELLING', 'CANCELLED']).toContain(answer.state);
    // Still going: the answer says it is running (it stops at its next step), not queued.
    if (answer.state === 'CANCELLING') expect(answer.jobState).toBe('RUNNING');
    const done = await settled(rekognition, arn);
    expect(done).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR', DatasetStats: { TotalEntries: 1, LabeledEntries: 1 } });
    expect(done.StatusMessage).toContain(`CANCELLED: The change was cancelled by access key ${owner.accessKeyId}`);
    expect(await entriesOf(arn)).toEqual(['s3://photos/before.png']);
    // The attempt the cancel cut short ran: it is counted, and the console does not say the job
    // never ran, nor that it gave up: it was cancelled while running.
    const failed = (await jobOf(arn))!;
    expect(failed).toMatchObject({
      state: 'FAILED', retryable: true, attempts: 1, cancelledWhile: 'RUNNING', lastError: `cancelled by access key ${owner.accessKeyId} (CancelJob) while running`,
    });
    const times = jobTimes(failed, Date.now());
    expect(times.map((fact) => fact.label)).toEqual(['Queued', 'Failed', 'Cancelled after']);
    expect(times[2].text).toMatch(/^\d+ s while running$/);
    // bin/trove jobs list says so in its ENDED column.
    const [header, ...rows] = (await cli(owner, 'list', '--state', 'FAILED')).stdout.split('\n');
    const row = rows.find((line) => line.startsWith(`${failed.jobId} `))!;
    expect(row.slice(header.indexOf('ENDED'))).toMatch(/^Cancelled after \d+ s while running /);
    // Its revision was recorded by the cancel, which never saw the lines the attempt read: its
    // zero counts are not counts, and bin/trove datasets report does not say it read no line.
    const [cancelled] = JSON.parse((await trove(owner, 'datasets', 'history', '--dataset-arn', arn, '--json')).stdout).revisions;
    expect(cancelled).toMatchObject({ status: 'FAILED', failure: { code: 'CANCELLED' }, counts: { linesReceived: 0 } });
    // bin/trove datasets history's table does not show those zeros as lines received, dropped or with errors.
    const [historyHeader, ...historyRows] = (await trove(owner, 'datasets', 'history', '--dataset-arn', arn)).stdout.split('\n');
    const cancelledRow = historyRows.find((line) => line.startsWith(`${cancelled.revision} `))!;
    const cell = (name: string) => cancelledRow.slice(historyHeader.indexOf(name)).split(/ {2,}/)[0];
    expect([cell('LINES'), cell('DROPPED'), cell('ERRORS')]).toEqual(['not counted', '-', '-']);
    const { stdout: report } = await trove(owner, 'datasets', 'report', '--dataset-arn', arn, '--revision', String(cancelled.revision));
    expect(report.split('\n').slice(0, 2)).toEqual([
      `revision ${cancelled.revision} (UpdateDatasetEntries, FAILED CANCELLED): lines not counted (the change was given up or cancelled)`,
      expect.stringMatching(/^failed: CANCELLED: The change was cancelled by access key /),
    ]);
  }, 60_000);

  it('cancels a queued import an earlier attempt left 2,500 rows of: the request only marks it, a runner deletes them in bounded steps, the dataset in progress until then', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/kept.png', 'cat')]);
    await s3.put('photos', 'left/coco.json', coco(3));
    server.trove.runner.pause();
    try {
      await startImport(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: owner }), arn, 'COCO', 's3://photos/left/coco.json', 's3://photos/left/');
      const queued = (await jobOf(arn))!;
      const dataset = (await rawSql<{ id: number; revision: number }>(server, 'SELECT id, revision FROM rk_datasets WHERE arn = ?', [arn])).rows[0];
      const [id, next] = [Number(dataset.id), Number(dataset.revision) + 1];
      // What an attempt of it cut short leaves (a crash, a lost lease): its chunks' rows at the
      // next revision, unpublished, and the entry it replaced superseded there.
      const left = Array.from({ length: 2500 }, (_, i) => ({
        sourceRef: `s3://photos/left/img-${i}.png`, line: classificationLine(`s3://photos/left/img-${i}.png`, 'cat'), labels: [['cat', 0] as const], isLabeled: true, hasErrors: false,
      }));
      await server.trove.store.transaction(async (tx) => {
        const [kept] = await tx.rkEntries.findLive(id, ['s3://photos/kept.png']);
        await tx.rkEntries.supersede([kept.id], next);
        await tx.rkEntries.insert(id, next, left);
      });
      const leftRows = async () => Number((await rawSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM rk_entries WHERE dataset_id = ? AND (created_rev = ? OR deleted_rev = ?)', [id, next, next])).rows[0].n);
      expect(await leftRows()).toBe(2501);

      // The answer says it is queued: a runner deletes the rows, it does not "stop at its next step".
      expect(await jobs().cancel(queued.jobId)).toEqual({ jobId: queued.jobId, state: 'CANCELLING', resources: [arn], jobState: 'QUEUED' });
      // The request deleted nothing: the job waits for a runner, its cancel asked for, the dataset
      // still being updated, its entries those of before.
      expect(await leftRows()).toBe(2501);
      expect(await jobOf(arn)).toMatchObject({ jobId: queued.jobId, state: 'QUEUED', attempts: 0, cancelRequestedBy: owner.accessKeyId });
      expect((await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription).toMatchObject({ Status: 'UPDATE_IN_PROGRESS', DatasetStats: { TotalEntries: 1 } });
      expect(await entriesOf(arn)).toEqual(['s3://photos/kept.png']);
      // A step of the delete is bounded (the runner's give-up takes one short transaction per step).
      expect(await server.trove.store.transaction((tx) => tx.rkEntries.discardStep(id, next))).toBe(false);
      expect(await leftRows()).toBe(1501);

      server.trove.runner.resume();
      const done = await settled(rekognition, arn);
      expect(done).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR', DatasetStats: { TotalEntries: 1, LabeledEntries: 1 } });
      expect(done.StatusMessage).toMatch(new RegExp(`^CANCELLED: The change was cancelled by access key ${owner.accessKeyId} \\(CancelJob\\)`));
      expect(await leftRows()).toBe(0);
      expect(await entriesOf(arn)).toEqual(['s3://photos/kept.png']);
      expect(await jobOf(arn)).toMatchObject({ jobId: queued.jobId, state: 'FAILED', attempts: 0, retryable: true });
    } finally {
      server.trove.runner.resume();
    }
  });

  it('the purge of old failed jobs meeting a retry under way forgets only jobs still failed: the retried job keeps its lines', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/p1.png', 'cat')]);
    server.trove.runner.pause();
    try {
      await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/p2.png', 'cat')) } }));
      const { jobId } = (await jobOf(arn))!;
      await jobs().cancel(jobId);
      // Failed long enough ago for the sweep to forget it.
      await rawSql(server, 'UPDATE failed_jobs SET failed_at = 0 WHERE job_id = ?', [jobId]);
      const { store } = server.trove;
      const clock = { now: () => Date.now() };
      const dataset = (await store.rkDatasets.findByArn(arn))!;
      const payload = JSON.parse((await store.jobs.findFailed(jobId))!.payload!) as unknown;
      // What RetryJob's transaction does, held open at its end: the purge starts meanwhile.
      let commit!: () => void;
      const held = new Promise<void>((resolve) => { commit = resolve; });
      let requeued!: () => void;
      const inside = new Promise<void>((resolve) => { requeued = resolve; });
      const retry = store.transaction(async (tx) => {
        expect(await tx.rkDatasets.transition(dataset.id, SETTLED, statusChange('UPDATE_IN_PROGRESS', clock.now()))).toBe(true);
        expect(await tx.jobs.requeueFailed(jobId, payload, clock.now())).toBe(true);
        requeued();
        await held;
      });
      await inside;
      const sweep = server.trove.maintenance.sweep();
      if (backend === 'postgres') {
        // The purge is waiting on the retry's locks (SQLite: the sweep waits for the write lock, no interleaving).
        await eventually(async () => Number((await rawSql<{ n: number }>(server,
          "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%failed_jobs%'")).rows[0].n) > 0 || undefined, 20_000, 'the purge waiting');
      }
      commit();
      await retry;
      await sweep;
      expect(await bodyPieces(jobId)).toBe(1);
      expect(await jobOf(arn)).toMatchObject({ jobId, state: 'QUEUED' });
    } finally {
      server.trove.runner.resume();
    }
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 2 } });
    expect(await entriesOf(arn)).toEqual(['s3://photos/p1.png', 's3://photos/p2.png']);
  });

  it('refuses to retry a change rejected for its own lines: it would fail the same way', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/a.png', 'cat')]);
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines('{"not":"a line"}', 'neither') } }));
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR' });
    const failed = (await jobOf(arn))!;
    expect(failed).toMatchObject({ state: 'FAILED', retryable: false });
    expect(failed.retryRefusal).toContain('a retry would fail the same way');
    const [status, code, message] = await refusal(jobs().retry(failed.jobId));
    expect([status, code]).toEqual([400, 'ValidationException']);
    expect(message).toContain('ERROR_TOO_MANY_RECORDS_IN_ERROR');
    expect(message).toContain('a retry would fail the same way');
    // Its bytes are not kept for a retry that will not come.
    expect(await bodyPieces(failed.jobId)).toBe(0);
  });

  it('another account\'s job ids do not exist; allow-lists are checked on the job\'s action and dataset', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/x.png', 'cat')]);
    server.trove.runner.pause();
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/y.png', 'cat')) } }));
    const queued = (await jobOf(arn))!;
    try {
      const stranger = await server.createCredential({ account: '222222222222' });
      // One after the other: a second call made before the first is awaited may reject unhandled.
      for (const call of [() => jobs(stranger).cancel(queued.jobId), () => jobs(stranger).retry(queued.jobId)]) {
        expect((await refusal(call())).slice(0, 2)).toEqual([404, 'ResourceNotFoundException']);
      }
      const noCancel = await server.createCredential({ account: OWNER, allowActions: ['trove:ListJobs', 'trove:RetryJob', 'rekognition:*'] });
      const [status, code, message] = await refusal(jobs(noCancel).cancel(queued.jobId));
      expect([status, code]).toEqual([403, 'AccessDeniedException']);
      expect(message).toContain('trove:CancelJob');
      const elsewhere = await server.createCredential({ account: OWNER, allowResources: ['arn:aws:rekognition:*:111111111111:project/elsewhere/*'] });
      expect((await refusal(jobs(elsewhere).cancel(queued.jobId))).slice(0, 2)).toEqual([403, 'AccessDeniedException']);
      // Cancelling fails the change: a key that may not change the dataset may not fail its changes either.
      const cancelOnly = await server.createCredential({ account: OWNER, allowActions: ['trove:*', 'rekognition:Describe*', 'rekognition:List*'] });
      const [cancelStatus, cancelCode, cancelMessage] = await refusal(jobs(cancelOnly).cancel(queued.jobId));
      expect([cancelStatus, cancelCode]).toEqual([403, 'AccessDeniedException']);
      expect(cancelMessage).toContain('rekognition:UpdateDatasetEntries');
      expect((await jobOf(arn))?.state).toBe('QUEUED');

      expect((await jobs().cancel(queued.jobId)).state).toBe('CANCELLED');
      // Retrying is making the change again: it needs the job's own action on its dataset.
      const readOnly = await server.createCredential({ account: OWNER, allowActions: ['trove:*', 'rekognition:Describe*', 'rekognition:List*'] });
      const denied = await refusal(jobs(readOnly).retry(queued.jobId));
      expect(denied.slice(0, 2)).toEqual([403, 'AccessDeniedException']);
      expect(denied[2]).toContain('rekognition:UpdateDatasetEntries');
      const noRetry = await server.createCredential({ account: OWNER, allowActions: ['trove:ListJobs', 'trove:CancelJob', 'rekognition:*'] });
      expect((await refusal(jobs(noRetry).retry(queued.jobId))).slice(0, 2)).toEqual([403, 'AccessDeniedException']);
      expect((await jobOf(arn))?.state).toBe('FAILED');
    } finally {
      server.trove.runner.resume();
    }
  });

  it('lists as not retryable a job that failed before failed jobs kept their request (RetryJob refuses it)', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/old.png', 'cat')]);
    // A job that failed before migration 0023: its note has no payload.
    const now = Date.now();
    const oldId = 900_000_000 + (now % 1_000_000);
    await rawSql(server, `INSERT INTO failed_jobs (job_id, kind, resource, attempts, last_error, created_at, failed_at)
      VALUES (?, 'rekognition.update-entries', ?, 5, 'gave up', ?, ?)`, [oldId, arn, now, now]);
    expect(await jobOf(arn)).toMatchObject({ jobId: oldId, state: 'FAILED', retryable: false, retryRefusal: 'It failed before Trove kept failed jobs\' requests: send the request again.' });
    expect((await refusal(jobs().retry(oldId))).slice(0, 2)).toEqual([409, 'ConflictException']);
    await rawSql(server, 'DELETE FROM failed_jobs WHERE job_id = ?', [oldId]);
  });

  it('lists as not retryable a failed conditional change (RetryJob refuses it), and keeps none of its bytes', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/old.png', 'cat')]);
    // A conditional change (the console's saves), cancelled while queued: its check cannot be made again.
    server.trove.runner.pause();
    try {
      await new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: owner }).call('POST', '/_trove/api/rekognition/update-entries-if-unchanged', {
        body: { datasetArn: arn, changes: { groundTruth: Buffer.from(classificationLine('s3://photos/new.png', 'cat')).toString('base64') }, expected: [{ sourceRef: 's3://photos/new.png', absent: true }] },
      });
      const queued = (await jobOf(arn))!;
      expect((await jobs().cancel(queued.jobId)).state).toBe('CANCELLED');
      const failed = (await jobOf(arn))!;
      expect(failed).toMatchObject({ jobId: queued.jobId, state: 'FAILED', retryable: false });
      expect(failed.retryRefusal).toContain('It was a conditional change (UpdateDatasetEntriesIfUnchanged)');
      // Its status does not offer a retry that would be refused.
      expect((await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription!.StatusMessage).toMatch(/nothing of it was applied\. Send it again\.$/);
      const [status, code, message] = await refusal(jobs().retry(queued.jobId));
      expect([status, code]).toEqual([400, 'ValidationException']);
      expect(message).toContain('conditional change');
      // Its bytes are not kept for a retry that will not come.
      expect(await bodyPieces(queued.jobId)).toBe(0);
    } finally {
      server.trove.runner.resume();
    }
  });

  it('a retry of a dataset copy needs the caller\'s allow-lists to cover the dataset it copies, as CreateDataset does', async () => {
    const source = await newDataset(rekognition, [classificationLine('s3://photos/secret.png', 'cat')]);
    const name = `copy-target-${process.pid}-${Date.now()}`;
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: name }));
    server.trove.runner.pause();
    let arn = '';
    try {
      arn = (await rekognition.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN', DatasetSource: { DatasetArn: source } }))).DatasetArn!;
      expect((await jobs().cancel((await jobOf(arn))!.jobId)).state).toBe('CANCELLED');
    } finally {
      server.trove.runner.resume();
    }
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'CREATE_FAILED' });
    const failed = (await jobOf(arn))!;
    // Allowed everything on the target project only: it may not copy the source dataset itself...
    const narrow = await server.createCredential({ account: OWNER, allowResources: [`arn:aws:rekognition:*:${OWNER}:project/${name}/*`] });
    const copy = await server.rekognition({ credentials: narrow }).send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST', DatasetSource: { DatasetArn: source } }))
      .then(() => undefined, (error: { name: string }) => error.name);
    expect(copy).toBe('AccessDeniedException');
    // ...nor through a retry of someone else's copy.
    const [status, code] = await refusal(jobs(narrow).retry(failed.jobId));
    expect([status, code]).toEqual([403, 'AccessDeniedException']);
    expect(await jobOf(arn)).toMatchObject({ jobId: failed.jobId, state: 'FAILED' });
    expect((await rekognition.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription?.Status).toBe('CREATE_FAILED');
    // The owner may.
    expect((await jobs().retry(failed.jobId)).state).toBe('QUEUED');
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'CREATE_COMPLETE', DatasetStats: { TotalEntries: 1 } });
  });

  it('a retry by a key whose allow-lists refuse the file the import reads is AccessDeniedException, as StartDatasetImport answers', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/kept.png', 'dog')]);
    await s3.put('photos', 'guarded/coco.json', coco(2));
    server.trove.runner.pause();
    await startImport(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: owner }), arn, 'COCO', 's3://photos/guarded/coco.json', 's3://photos/guarded/');
    const queued = (await jobOf(arn))!;
    expect((await jobs().cancel(queued.jobId)).state).toBe('CANCELLED');
    server.trove.runner.resume();
    // Allowed every Rekognition and Trove action on every dataset, but no object.
    const noObjects = await server.createCredential({ account: OWNER, allowResources: [`arn:aws:rekognition:*:${OWNER}:*`] });
    const [status, code, message] = await refusal(jobs(noObjects).retry(queued.jobId));
    expect([status, code]).toEqual([403, 'AccessDeniedException']);
    expect(message).toContain('s3://photos/guarded/coco.json');
    expect(await jobOf(arn)).toMatchObject({ jobId: queued.jobId, state: 'FAILED' });
  });

  it('bin/trove jobs cancel and retry: a sentence or --json, and a non-zero exit with the reason when refused', async () => {
    const arn = await newDataset(rekognition, [classificationLine('s3://photos/c1.png', 'cat')]);
    server.trove.runner.pause();
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/c2.png', 'cat')) } }));
    const { jobId } = (await jobOf(arn))!;
    try {
      const cancelled = await cli(owner, 'cancel', String(jobId));
      expect(cancelled.stdout).toBe(`Job ${jobId} is cancelled: it will not run, and ${arn} is marked failed (CANCELLED).\n`);
      const again = await cli(owner, 'cancel', String(jobId)).then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(again?.code).toBe(1);
      expect(again?.stderr).toContain(`Job ${jobId} has failed already`);
      const retried = await cli(owner, 'retry', String(jobId), '--json');
      expect(JSON.parse(retried.stdout)).toEqual({ jobId, state: 'QUEUED', resources: [arn] });
      const bad = await cli(owner, 'retry', 'seven').then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(bad?.code).toBe(1);
      expect(bad?.stderr).toContain('takes one job id');
      for (const action of ['retry', 'cancel']) {
        const local = await cli(owner, action, String(jobId), '--local').then(() => undefined, (e: { code: number; stderr: string }) => e);
        expect(local?.code).toBe(1);
        expect(local?.stderr).toContain(`trove jobs ${action} does not take --local: it asks a running Trove`);
      }
    } finally {
      server.trove.runner.resume();
    }
    expect(await settled(rekognition, arn)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 2 } });
  });
});
