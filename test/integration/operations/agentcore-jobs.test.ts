import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand, GetDatasetCommand,
  ListDatasetVersionsCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient, GetDatasetCommandOutput } from '@aws-sdk/client-bedrock-agentcore-control';
import { DeleteDatasetCommand as DeleteRkDatasetCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedCredential } from '../../../src/auth/credential-service.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import type { JobView } from '../../../src/client/jobs-client.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { encodeBatch } from '../../../src/domain/agentcore/batch-codec.js';
import { AgentCoreJobs } from '../../../src/domain/agentcore/job-kinds.js';
import type { WriteExamplesPayload } from '../../../src/domain/agentcore/job-kinds.js';
import { allExamples, contentOf, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { newDataset } from '../../harness/exchange.js';
import { rawSql } from '../../harness/raw-sql.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// AgentCore jobs in ListJobs and CancelJob (docs/trove-api.md): the official AgentCore Control SDK
// against a real Trove (each backend), s3Source files in a real S3-compatible server (s3rver), the
// Trove API's JobsClient and bin/trove jobs as real processes.

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const OWNER = '111111111111';
const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
const jsonl = (examples: unknown[]) => `${examples.map((e) => JSON.stringify(e)).join('\n')}\n`;
let names = 0;

async function refusal(call: Promise<unknown>): Promise<[number, string, string]> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  const { status, code, message } = error as TroveApiCallError;
  return [status, code, message];
}

/** GetDataset's answer as AWS defines it: the members a client reads, the request's metadata and the short-lived link left out. */
function shape(dataset: GetDatasetCommandOutput): Record<string, unknown> {
  const { $metadata: _m, downloadUrl: _u, downloadUrlExpiresAt: _e, updatedAt: _t, ...members } = dataset;
  return members;
}

describe.each(BACKENDS)('jobs: AgentCore jobs in ListJobs and CancelJob (%s)', (backend) => {
  let s3: TestS3;
  let server: TestServer;
  let owner: IssuedCredential;
  let client: BedrockAgentCoreControlClient;
  let jobs: (who?: IssuedCredential) => JobsClient;

  const jobOf = async (arn: string, who = owner): Promise<JobView | undefined> => (await jobs(who).all()).find((job) => job.resources.includes(arn));
  const cli = (who: IssuedCredential, ...args: string[]) => run(process.execPath, [BIN, 'jobs', ...args, '--endpoint', server.url], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: who.accessKeyId, AWS_SECRET_ACCESS_KEY: who.secretAccessKey, AWS_REGION: 'us-east-1' },
  });
  const create = async (count: number) => {
    const { datasetId, datasetArn } = await client.send(new CreateDatasetCommand({ datasetName: `jobs_${++names}`, schemaType: PREDEFINED, source: inline(predefinedBatch(count)) }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: count });
    return { datasetId: datasetId!, arn: datasetArn! };
  };
  const get = (datasetId: string) => client.send(new GetDatasetCommand({ datasetId }));
  /** Runs `body` with the runner paused (the accepting request then leaves its job queued). */
  const paused = async <T>(body: () => Promise<T>): Promise<T> => {
    server.trove.runner.pause();
    try {
      return await body();
    } finally {
      server.trove.runner.resume();
    }
  };

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('evals');
    server = await startServer({ backend, objectStore: { mode: 's3', s3: { endpoint: s3.endpoint, region: 'us-east-1', ...S3RVER_CREDENTIALS } } });
    owner = await server.createCredential({ account: OWNER });
    await server.trove.buckets.create('evals', OWNER);
    client = server.agentcore({ credentials: owner, maxAttempts: 1 });
    jobs = (who = owner) => new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: who }));
  }, 60_000);
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
    await s3?.close();
  });

  it('an s3Source batch rejected as a whole is listed FAILED with its dataset, attempts and the reason GetDataset gives', async () => {
    const { datasetId, arn } = await create(2);
    const examples = predefinedBatch(3, 'more');
    examples[1] = { scenario_id: 'broken', turns: [{ expected_response: 'no input' }] };
    await s3.put('evals', 'rejected.jsonl', jsonl(examples));
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: { s3Source: { s3Uri: 's3://evals/rejected.jsonl' } } }));
    const failed = await settled(client, datasetId);
    // GetDataset answers as before: AWS's status and a failureReason, nothing more.
    expect(shape(failed)).toEqual({
      datasetArn: arn, datasetId, datasetVersion: 'DRAFT', datasetName: expect.any(String) as string, status: 'UPDATE_FAILED', schemaType: PREDEFINED,
      exampleCount: 2, createdAt: expect.any(Date) as Date, draftStatus: 'MODIFIED', failureReason: expect.stringContaining('s3://evals/rejected.jsonl line 2') as string,
    });
    const job = (await jobOf(arn))!;
    expect(job).toMatchObject({
      state: 'FAILED', kind: AgentCoreJobs.writeExamples, resources: [arn], attempts: 1, rejected: true, lastError: failed.failureReason,
      // Its file may be corrected: RetryJob reads it again (below).
      retryable: true,
    });
    // bin/trove jobs list says how it ended, as for Rekognition's rejected changes.
    const [header, ...rows] = (await cli(owner, 'list', '--state', 'FAILED')).stdout.split('\n');
    const row = rows.find((line) => line.startsWith(`${job.jobId} `))!;
    expect(row.slice(header.indexOf('ENDED'))).toMatch(/^Rejected after \d+ s, not retried +arn:aws:bedrock-agentcore:/);
  });

  it('a CreateDataset whose s3Source file is gone is listed FAILED; the dataset CREATE_FAILED as before', async () => {
    const { datasetId, datasetArn } = await client.send(new CreateDatasetCommand({
      datasetName: `jobs_${++names}`, schemaType: PREDEFINED, source: { s3Source: { s3Uri: 's3://evals/never-there.jsonl' } },
    }));
    const failed = await settled(client, datasetId!);
    expect(failed).toMatchObject({ status: 'CREATE_FAILED', exampleCount: 0 });
    expect(await jobOf(datasetArn!)).toMatchObject({ state: 'FAILED', attempts: 1, rejected: true, lastError: failed.failureReason });
    expect(failed.failureReason).toContain('s3://evals/never-there.jsonl does not exist');
  });

  it('an UpdateDatasetExamples batch queued by an earlier Trove whose example is gone is rejected as a whole and listed FAILED', async () => {
    const { datasetId, arn } = await create(2);
    const [first] = await allExamples(client, datasetId);
    const { store } = server.trove;
    const now = Date.now();
    // As a Trove before migration 0015 accepted it: UPDATING, and a job whose body is the batch,
    // naming the row it replaces; that row is gone by the time it runs.
    await paused(async () => {
      await store.transaction(async (tx) => {
        const dataset = (await tx.acDatasets.find(OWNER, 'us-east-1', datasetId))!;
        expect(await tx.acDatasets.transition(dataset.id, ['ACTIVE'], { status: 'UPDATING', failureReason: null, updatedAt: now })).toBe(true);
        const payload: WriteExamplesPayload = { dataset: dataset.id, kind: 'update' };
        const body = encodeBatch({ exampleIds: [first.exampleId as string], contents: [JSON.stringify(predefined('replaced'))], supersedes: [{ id: 2 ** 40, seq: 1 }] });
        await tx.jobs.enqueue({ kind: AgentCoreJobs.writeExamples, payloadVersion: 1, resource: arn, payload, body, runAfter: now, createdAt: now });
      });
    });
    server.trove.runner.wake();
    const failed = await settled(client, datasetId);
    expect(failed).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 2, failureReason: '1 of the examples no longer exist in the dataset.' });
    const job = (await jobOf(arn))!;
    expect(job).toMatchObject({ state: 'FAILED', kind: AgentCoreJobs.writeExamples, attempts: 1, rejected: true, lastError: failed.failureReason, retryable: false });
    expect(job.retryRefusal).toMatch(/^It was an example batch queued by an earlier Trove/);
    expect((await refusal(jobs().retry(job.jobId))).slice(0, 2)).toEqual([400, 'ValidationException']);
    expect(contentOf((await allExamples(client, datasetId))[0])).toEqual(contentOf(first));
  });

  it('cancels a queued AddDatasetExamples: it never runs, the dataset UPDATE_FAILED (CANCELLED), its examples as before; the next write goes on', async () => {
    const { datasetId, arn } = await create(2);
    const before = await allExamples(client, datasetId);
    const queued = await paused(async () => {
      const added = await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(3, 'added')) }));
      expect(added.status).toBe('UPDATING');
      const job = (await jobOf(arn))!;
      expect(job).toMatchObject({ state: 'QUEUED', kind: AgentCoreJobs.publishStagedExamples });
      expect(await jobs().cancel(job.jobId)).toEqual({ jobId: job.jobId, state: 'CANCELLED', resources: [arn] });
      return job;
    });
    const reason = `CANCELLED: The change was cancelled by access key ${owner.accessKeyId} (CancelJob); nothing of it was applied. Send it again.`;
    expect(await get(datasetId)).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 2, failureReason: reason });
    expect(await jobOf(arn)).toMatchObject({
      jobId: queued.jobId, state: 'FAILED', attempts: 0, cancelledWhile: 'QUEUED', lastError: `cancelled by access key ${owner.accessKeyId} (CancelJob)`,
      // Its staged rows went with it: nothing is left to run again.
      retryable: false, retryRefusal: 'Jobs of this kind are not retried: send the request that made it again.',
    });
    expect((await refusal(jobs().retry(queued.jobId))).slice(0, 2)).toEqual([400, 'ValidationException']);
    await server.trove.runner.idle();
    expect(await allExamples(client, datasetId)).toEqual(before);
    expect((await refusal(jobs().cancel(queued.jobId))).slice(0, 2)).toEqual([409, 'ConflictException']);
    // UPDATE_FAILED lets the next write through (AWS's guards), and it is applied.
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(1, 'next')) }));
    expect(await settled(client, datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
    expect((await allExamples(client, datasetId)).map((e) => e.scenario_id)).toEqual(['s0', 's1', 'next0']);
  });

  it('bin/trove jobs cancel cancels a queued UpdateDatasetExamples and a queued CreateDataset; their datasets UPDATE_FAILED and CREATE_FAILED', async () => {
    const { datasetId, arn } = await create(2);
    const before = await allExamples(client, datasetId);
    const created = await paused(async () => {
      await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: before[0].exampleId as string, ...predefined('replaced') }] }));
      const update = (await jobOf(arn))!;
      // ListJobs says what CancelJob would do, and what it needs (the call that made the batch):
      // an inline batch, once cancelled, is not retried (its rows go).
      expect(update).toMatchObject({ state: 'QUEUED', cancellable: true, requestAction: 'bedrock-agentcore:UpdateDatasetExamples', retryable: false });
      expect(update.cancelRefusal).toBeUndefined();
      expect((await cli(owner, 'cancel', String(update.jobId))).stdout).toBe(`Job ${update.jobId} is cancelled: it will not run, and ${arn} is marked failed (CANCELLED).\n`);

      const made = await client.send(new CreateDatasetCommand({ datasetName: `jobs_${++names}`, schemaType: PREDEFINED, source: inline(predefinedBatch(4)) }));
      const creation = (await jobOf(made.datasetArn!))!;
      expect(creation).toMatchObject({ cancellable: true, requestAction: 'bedrock-agentcore:CreateDataset' });
      expect(JSON.parse((await cli(owner, 'cancel', String(creation.jobId), '--json')).stdout)).toEqual({ jobId: creation.jobId, state: 'CANCELLED', resources: [made.datasetArn] });
      return made;
    });
    expect(await get(datasetId)).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 2, failureReason: expect.stringMatching(/^CANCELLED: The change was cancelled by access key /) as string });
    expect(await allExamples(client, datasetId)).toEqual(before);
    // AWS: CREATE_FAILED, "DRAFT record exists but contains no examples".
    expect(await get(created.datasetId!)).toMatchObject({ status: 'CREATE_FAILED', exampleCount: 0, failureReason: expect.stringMatching(/^CANCELLED: /) as string });
    expect(await allExamples(client, created.datasetId!)).toEqual([]);
  });

  it('cancels a queued CreateDatasetVersion: UPDATE_FAILED, no version published', async () => {
    const { datasetId, arn } = await create(1);
    await paused(async () => {
      expect((await client.send(new CreateDatasetVersionCommand({ datasetId }))).status).toBe('UPDATING');
      const job = (await jobOf(arn))!;
      expect(job).toMatchObject({ kind: AgentCoreJobs.publishVersion, cancellable: true, requestAction: 'bedrock-agentcore:CreateDatasetVersion', retryable: false });
      expect((await jobs().cancel(job.jobId)).state).toBe('CANCELLED');
    });
    expect(await get(datasetId)).toMatchObject({
      status: 'UPDATE_FAILED', failureReason: `CANCELLED: Publishing version 1 was cancelled by access key ${owner.accessKeyId} (CancelJob); nothing of it was applied. Send it again.`,
    });
    await server.trove.runner.idle();
    expect((await client.send(new ListDatasetVersionsCommand({ datasetId }))).versions).toEqual([]);
    // Its number is not given again: the next publication is version 2 (AWS: monotonic).
    expect((await client.send(new CreateDatasetVersionCommand({ datasetId }))).datasetVersion).toBe('2');
    expect(await settled(client, datasetId)).toMatchObject({ status: 'ACTIVE', draftStatus: 'UNMODIFIED' });
  });

  it('a running AgentCore job is refused (ConflictException) and left to run; a key without the batch\'s own action may not cancel it', async () => {
    const { datasetId, arn } = await create(1);
    await paused(async () => {
      await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(1, 'added')) }));
      const job = (await jobOf(arn))!;
      // Cancelling fails the change: the key needs AddDatasetExamples, the call that made it.
      expect(job).toMatchObject({ state: 'QUEUED', cancellable: true, requestAction: 'bedrock-agentcore:AddDatasetExamples' });
      const noAdd = await server.createCredential({ account: OWNER, allowActions: ['trove:*', 'bedrock-agentcore:Get*', 'bedrock-agentcore:UpdateDatasetExamples'] });
      const [deniedStatus, deniedCode, deniedMessage] = await refusal(jobs(noAdd).cancel(job.jobId));
      expect([deniedStatus, deniedCode]).toEqual([403, 'AccessDeniedException']);
      expect(deniedMessage).toContain('bedrock-agentcore:AddDatasetExamples');
      // As another node holding it leaves it (PostgreSQL: any node runs any job).
      await rawSql(server, "UPDATE jobs SET state = 'running', lease_owner = 'elsewhere', lease_expires_at = ?, attempts = 1 WHERE id = ?", [Date.now() + 600_000, job.jobId]);
      expect((await jobOf(arn))?.state).toBe('RUNNING');
      const [status, code, message] = await refusal(jobs().cancel(job.jobId));
      expect([status, code]).toEqual([409, 'ConflictException']);
      expect(message).toBe(`Job ${job.jobId} (${AgentCoreJobs.publishStagedExamples}) is RUNNING: an AgentCore job can be cancelled only while it waits (QUEUED or RETRYING). It ends on its own; GetDataset then shows how.`);
      const still = (await jobOf(arn))!;
      // ListJobs says so, in the words of the refusal (its message, after "Job N (kind) ").
      expect(still).toMatchObject({ state: 'RUNNING', cancellable: false, cancelRefusal: `It ${message.slice(`Job ${job.jobId} (${AgentCoreJobs.publishStagedExamples}) `.length)}` });
      expect(still.cancelRequestedBy).toBeUndefined();
      // Back in the queue, as that node's lease running out would leave it: it runs to its end.
      await rawSql(server, "UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempts = 0 WHERE id = ?", [job.jobId]);
    });
    expect(await settled(client, datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: 2 });
  });

  it('cancels a queued s3Source import an earlier attempt left rows of: CANCELLING, a runner discards them, then UPDATE_FAILED', async () => {
    const { datasetId, arn } = await create(1);
    await s3.put('evals', 'left.jsonl', jsonl(predefinedBatch(3, 'file')));
    await paused(async () => {
      await client.send(new AddDatasetExamplesCommand({ datasetId, source: { s3Source: { s3Uri: 's3://evals/left.jsonl' } } }));
      const job = (await jobOf(arn))!;
      // An s3Source import, once cancelled, may be retried (it reads its file again).
      expect(job).toMatchObject({ kind: AgentCoreJobs.writeExamples, cancellable: true, requestAction: 'bedrock-agentcore:AddDatasetExamples', retryable: true });
      const dataset = (await server.trove.store.acDatasets.find(OWNER, 'us-east-1', datasetId))!;
      const next = dataset.revision + 1;
      // What an attempt cut short leaves (a crash, a store outage): a chunk written at the next revision, unpublished.
      await server.trove.store.transaction((tx) => tx.acExamples.insert(dataset.id, next, [{ exampleId: 'left-behind', content: JSON.stringify(predefined('left')), seq: dataset.nextSeq }]));
      await rawSql(server, 'UPDATE jobs SET attempts = 1, last_error = ? WHERE id = ?', ['Error: the attempt was cut short', job.jobId]);
      // The request deletes nothing: it marks the job, and a runner gives it up.
      expect(await jobs().cancel(job.jobId)).toEqual({ jobId: job.jobId, state: 'CANCELLING', resources: [arn], jobState: 'RETRYING' });
      expect(await jobOf(arn)).toMatchObject({ state: 'RETRYING', cancelRequestedBy: owner.accessKeyId });
      expect((await get(datasetId)).status).toBe('UPDATING');
      expect(await server.trove.store.acExamples.writtenAt(dataset.id, next)).toBe(true);
    });
    const done = await settled(client, datasetId);
    expect(done).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 1, failureReason: expect.stringMatching(/^CANCELLED: The change was cancelled by access key .*Retry it \(RetryJob\) or send it again\.$/) as string });
    const dataset = (await server.trove.store.acDatasets.find(OWNER, 'us-east-1', datasetId))!;
    expect(await server.trove.store.acExamples.writtenAt(dataset.id, dataset.revision + 1)).toBe(false);
    expect(await jobOf(arn)).toMatchObject({ state: 'FAILED', attempts: 1, cancelledWhile: 'RETRYING', retryable: true });
  });

  it('retries an s3Source AddDatasetExamples whose file was gone, once it is back: UPDATING, then ACTIVE with the file\'s examples', async () => {
    const { datasetId, arn } = await create(1);
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: { s3Source: { s3Uri: 's3://evals/later.jsonl' } } }));
    expect(await settled(client, datasetId)).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 1 });
    const failed = (await jobOf(arn))!;
    expect(failed).toMatchObject({ state: 'FAILED', kind: AgentCoreJobs.writeExamples, retryable: true, requestAction: 'bedrock-agentcore:AddDatasetExamples' });
    expect(failed.cancellable).toBeUndefined();
    // Still missing: refused, read as the caller, and nothing changes.
    const [status, code, message] = await refusal(jobs().retry(failed.jobId));
    expect([status, code]).toEqual([409, 'ConflictException']);
    expect(message).toContain('s3://evals/later.jsonl');
    expect((await get(datasetId)).status).toBe('UPDATE_FAILED');
    // A key that may not add examples may not add them through a retry either.
    const noAdd = await server.createCredential({ account: OWNER, allowActions: ['trove:*', 'bedrock-agentcore:Get*', 's3:*'] });
    const denied = await refusal(jobs(noAdd).retry(failed.jobId));
    expect(denied.slice(0, 2)).toEqual([403, 'AccessDeniedException']);
    expect(denied[2]).toContain('bedrock-agentcore:AddDatasetExamples');

    await s3.put('evals', 'later.jsonl', jsonl(predefinedBatch(2, 'later')));
    await paused(async () => {
      expect(await jobs().retry(failed.jobId)).toEqual({ jobId: failed.jobId, state: 'QUEUED', resources: [arn] });
      expect(await get(datasetId)).toMatchObject({ status: 'UPDATING' });
      expect((await get(datasetId)).failureReason).toBeUndefined();
      expect(await jobOf(arn)).toMatchObject({ jobId: failed.jobId, state: 'QUEUED', attempts: 0 });
      // Not settled: a second retry is refused, as a new write would be.
      expect((await refusal(jobs().retry(failed.jobId))).slice(0, 2)).toEqual([409, 'ConflictException']);
    });
    expect(await settled(client, datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: 3, draftStatus: 'MODIFIED' });
    expect((await allExamples(client, datasetId)).map((e) => e.scenario_id)).toEqual(['s0', 'later0', 'later1']);
    expect(await jobOf(arn)).toBeUndefined();
  });

  it('another account\'s key can neither cancel nor retry an AgentCore job: its ids do not exist there (ResourceNotFoundException), and nothing changes', async () => {
    const stranger = await server.createCredential({ account: '222222222222' });
    // A failed s3Source import whose file is back: its owner may retry it (below), so the stranger's refusal is the account's.
    const failedSet = await create(1);
    await client.send(new AddDatasetExamplesCommand({ datasetId: failedSet.datasetId, source: { s3Source: { s3Uri: 's3://evals/stranger.jsonl' } } }));
    expect(await settled(client, failedSet.datasetId)).toMatchObject({ status: 'UPDATE_FAILED', exampleCount: 1 });
    const failed = (await jobOf(failedSet.arn))!;
    expect(failed).toMatchObject({ state: 'FAILED', retryable: true });
    await s3.put('evals', 'stranger.jsonl', jsonl(predefinedBatch(2, 'back')));
    const queuedSet = await create(2);
    await paused(async () => {
      await client.send(new AddDatasetExamplesCommand({ datasetId: queuedSet.datasetId, source: inline(predefinedBatch(1, 'waiting')) }));
      const queued = (await jobOf(queuedSet.arn))!;
      expect(queued).toMatchObject({ state: 'QUEUED', kind: AgentCoreJobs.publishStagedExamples });
      // One after the other: a second call made before the first is awaited may reject unhandled.
      for (const call of [
        () => jobs(stranger).cancel(queued.jobId), () => jobs(stranger).retry(queued.jobId),
        () => jobs(stranger).cancel(failed.jobId), () => jobs(stranger).retry(failed.jobId),
      ]) {
        const [status, code, message] = await refusal(call());
        expect([status, code]).toEqual([404, 'ResourceNotFoundException']);
        // It says nothing of the job: not its kind, dataset or state (the owner hears "has failed already", "is QUEUED").
        expect(message).toMatch(/^No (queued or running|failed) job \d+ \(/);
        expect(message).not.toMatch(/agentcore|arn:|already|is QUEUED/i);
      }
      expect(await jobs(stranger).all()).toEqual([]);
      expect(await jobOf(queuedSet.arn)).toMatchObject({ jobId: queued.jobId, state: 'QUEUED', attempts: 0 });
      expect(await jobOf(failedSet.arn)).toMatchObject({ jobId: failed.jobId, state: 'FAILED', attempts: failed.attempts });
      expect((await get(failedSet.datasetId)).status).toBe('UPDATE_FAILED');
      expect((await get(queuedSet.datasetId)).status).toBe('UPDATING');
    });
    expect(await settled(client, queuedSet.datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
    expect(await jobs().retry(failed.jobId)).toEqual({ jobId: failed.jobId, state: 'QUEUED', resources: [failedSet.arn] });
    expect(await settled(client, failedSet.datasetId)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
  });

  it('bin/trove jobs retry re-reads a corrected s3Source file of a CreateDataset: CREATING, then ACTIVE; a dataset written since is not created again', async () => {
    const examples = predefinedBatch(3, 'c');
    examples[2] = { scenario_id: 'broken', turns: [] };
    await s3.put('evals', 'fixed-later.jsonl', jsonl(examples));
    const { datasetId, datasetArn } = await client.send(new CreateDatasetCommand({
      datasetName: `jobs_${++names}`, schemaType: PREDEFINED, source: { s3Source: { s3Uri: 's3://evals/fixed-later.jsonl' } },
    }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'CREATE_FAILED', exampleCount: 0 });
    const failed = (await jobOf(datasetArn!))!;
    expect(failed).toMatchObject({ rejected: true, retryable: true });
    await s3.put('evals', 'fixed-later.jsonl', jsonl(predefinedBatch(3, 'c')));
    expect((await cli(owner, 'retry', String(failed.jobId))).stdout).toBe(`Job ${failed.jobId} is queued again; ${datasetArn} is being updated from its stored request.\n`);
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 3 });
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['c0', 'c1', 'c2']);

    // Failed again, then written (CREATE_FAILED takes AddDatasetExamples): the creation is not retried over it.
    const again = await client.send(new CreateDatasetCommand({
      datasetName: `jobs_${++names}`, schemaType: PREDEFINED, source: { s3Source: { s3Uri: 's3://evals/not-yet.jsonl' } },
    }));
    expect(await settled(client, again.datasetId!)).toMatchObject({ status: 'CREATE_FAILED' });
    const second = (await jobOf(again.datasetArn!))!;
    await client.send(new AddDatasetExamplesCommand({ datasetId: again.datasetId, source: inline(predefinedBatch(1, 'since')) }));
    expect(await settled(client, again.datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 1 });
    await s3.put('evals', 'not-yet.jsonl', jsonl(predefinedBatch(2, 'late')));
    const [status, code, message] = await refusal(jobs().retry(second.jobId));
    expect([status, code]).toEqual([409, 'ConflictException']);
    expect(message).toContain('is no longer CREATE_FAILED');
  });

  it('refuses to cancel a deletion (ValidationException): the dataset stays DELETING, then is gone', async () => {
    const { datasetId, arn } = await create(1);
    const rekognition = server.rekognition({ credentials: owner });
    const DatasetArn = await newDataset(rekognition);
    await paused(async () => {
      expect((await client.send(new DeleteDatasetCommand({ datasetId }))).status).toBe('DELETING');
      await rekognition.send(new DeleteRkDatasetCommand({ DatasetArn }));
      for (const [resource, kind] of [[arn, AgentCoreJobs.deleteDataset], [DatasetArn, 'rekognition.delete-dataset']]) {
        const job = (await jobOf(resource))!;
        expect(job).toMatchObject({ kind, cancellable: false, cancelRefusal: expect.stringMatching(/^It cannot be cancelled: it is a deletion, and a deletion, once accepted, is not taken back/) as string });
        expect(job.requestAction).toBeUndefined();
        const [status, code, message] = await refusal(jobs().cancel(job.jobId));
        expect([status, code]).toEqual([400, 'ValidationException']);
        expect(message).toBe(`Job ${job.jobId} (${kind}) ${job.cancelRefusal!.slice('It '.length)}`);
        expect(await jobOf(resource)).toMatchObject({ jobId: job.jobId, state: 'QUEUED' });
      }
      expect((await get(datasetId)).status).toBe('DELETING');
    });
    await eventually(async () => get(datasetId).then(() => undefined, (error: { name: string }) => error.name), 20_000, 'the dataset gone');
    expect(await get(datasetId).then(() => 'found', (error: { name: string }) => error.name)).toBe('ResourceNotFoundException');
  });
});
