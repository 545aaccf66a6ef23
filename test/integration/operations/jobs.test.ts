import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedCredential } from '../../../src/auth/credential-service.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import type { JobView } from '../../../src/domain/jobs/job-listing.js';
import { BACKENDS } from '../../harness/backends.js';
import { delta, sampleKey, scrape } from '../../harness/metrics.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));

interface JobsPage { jobs: JobView[]; nextToken?: string }

describe.each(BACKENDS)('jobs: ListJobs and bin/trove jobs list (%s)', (backend) => {
  let server: TestServer;
  let alice: IssuedCredential;
  let bob: IssuedCredential;
  let failedDataset: string;
  let queuedDatasets: string[];
  let before: Awaited<ReturnType<typeof scrape>>;
  let dropper: Server;

  const api = (who: IssuedCredential, region = 'us-east-1') => new TroveApiClient({ endpoint: server.url, region, credentials: who });
  const list = (who: IssuedCredential, query = '', region?: string) => api(who, region).call<JobsPage>('GET', `/_trove/api/jobs${query}`);
  const rekognition = (who: IssuedCredential) => server.rekognition({ credentials: who });

  beforeAll(async () => {
    // Images are checked through an S3 endpoint that drops every connection: the update job fails
    // each attempt (the object store is unavailable) and gives up. The port is held for the whole
    // file: a port merely found free could be taken by another test file's server meanwhile (seen
    // once in CI: the job then failed with CLIENT_ERROR).
    dropper = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const s3 = { mode: 's3' as const, s3: { endpoint: `http://127.0.0.1:${(dropper.address() as AddressInfo).port}`, region: 'us-east-1', accessKeyId: 'x', secretAccessKey: 'y' } };
    server = await startServer({ backend, objectStore: s3, jobs: { maxAttempts: 1 } });
    alice = await server.createCredential({ account: '111111111111' });
    bob = await server.createCredential({ account: '222222222222' });
    // Alice's images are in her own bucket (with credentials, a bucket is read by its owner).
    await server.trove.buckets.create('bkt', '111111111111');
    before = await scrape(server.url);

    const { ProjectArn } = await rekognition(alice).send(new CreateProjectCommand({ ProjectName: 'alice' }));
    const { DatasetArn } = await rekognition(alice).send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(rekognition(alice), DatasetArn!);
    await rekognition(alice).send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(classificationLine('s3://bkt/a.png', 'cat')) } }));
    expect(await settled(rekognition(alice), DatasetArn!)).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'SERVICE_ERROR' });
    failedDataset = DatasetArn!;

    // Bob's jobs stay queued: the runner claims nothing until the end of the file.
    server.trove.runner.pause();
    queuedDatasets = [];
    for (const name of ['bob-1', 'bob-2']) {
      const project = await rekognition(bob).send(new CreateProjectCommand({ ProjectName: name }));
      queuedDatasets.push((await rekognition(bob).send(new CreateDatasetCommand({ ProjectArn: project.ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!);
    }
  }, 60_000);
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
    dropper?.close();
  });

  it('shows a caller the jobs of its own account in its region only: failed with attempts and last error, queued', async () => {
    const mine = await list(alice);
    expect(mine.jobs).toHaveLength(1);
    expect(mine.jobs[0]).toMatchObject({ kind: 'rekognition.update-entries', state: 'FAILED', resources: [failedDataset], attempts: 1 });
    expect(mine.jobs[0].lastError).toMatch(/\S/);
    expect(mine.jobs[0].failedAt).toBeGreaterThanOrEqual(mine.jobs[0].createdAt);
    expect(mine.jobs[0].node).toBeUndefined();

    const bobs = await list(bob);
    expect(bobs.jobs.map((job) => [job.kind, job.state, job.resources[0], job.attempts])).toEqual(
      queuedDatasets.map((arn) => ['rekognition.create-dataset', 'QUEUED', arn, 0]));
    expect(bobs.jobs[0].nextAttemptAt).toBeGreaterThan(0);
    expect((await list(bob, '', 'eu-west-1')).jobs).toEqual([]);
    expect((await list(bob, '?state=FAILED')).jobs).toEqual([]);
    expect((await list(alice, '?state=QUEUED&state=RUNNING')).jobs).toEqual([]);
    expect((await list(alice, '?state=FAILED&state=QUEUED')).jobs).toHaveLength(1);
  });

  it('never gives a job the id of one before it (SQLite renumbered after the last job was done or failed)', async () => {
    const failed = (await list(alice)).jobs[0];
    const queued = (await list(bob)).jobs.map((job) => job.jobId);
    expect(new Set([failed.jobId, ...queued]).size).toBe(3);
    // Alice's CreateDataset job ran and was deleted before her update was queued, then that failed.
    for (const id of queued) expect(id).toBeGreaterThan(failed.jobId);
    expect(failed.jobId).toBeGreaterThan(1);
  });

  it('pages with tokens bound to the caller and the listing', async () => {
    const first = await list(bob, '?maxResults=1');
    expect(first.jobs.map((job) => job.resources[0])).toEqual([queuedDatasets[0]]);
    expect(first.nextToken).toBeDefined();
    const second = await list(bob, `?maxResults=1&nextToken=${encodeURIComponent(first.nextToken!)}`);
    expect(second.jobs.map((job) => job.resources[0])).toEqual([queuedDatasets[1]]);
    // The last page of open jobs may point at the failed ones (none here): at most an empty page more.
    if (second.nextToken) expect((await list(bob, `?maxResults=1&nextToken=${encodeURIComponent(second.nextToken)}`)).jobs).toEqual([]);

    const otherStates = `?state=QUEUED&maxResults=1&nextToken=${encodeURIComponent(first.nextToken!)}`;
    for (const [who, query] of [[alice, `?maxResults=1&nextToken=${encodeURIComponent(first.nextToken!)}`], [bob, otherStates], [bob, '?nextToken=garbage']] as const) {
      const error = await list(who, query).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(TroveApiCallError);
      expect((error as TroveApiCallError).code).toBe('ValidationException');
    }
    const tooMany = await list(bob, '?maxResults=1001').then(() => undefined, (caught: unknown) => caught as TroveApiCallError);
    expect(tooMany?.code).toBe('ValidationException');
  });

  it('needs trove:ListJobs on a credential with an action allow-list', async () => {
    const limited = await server.createCredential({ account: '222222222222', allowActions: ['rekognition:*'] });
    const denied = await list(limited).then(() => undefined, (caught: unknown) => caught as TroveApiCallError);
    expect([denied?.status, denied?.code]).toEqual([403, 'AccessDeniedException']);
    const allowed = await server.createCredential({ account: '222222222222', allowActions: ['trove:List*'] });
    expect((await list(allowed)).jobs).toHaveLength(2);
  });

  it('bin/trove jobs list: the caller\'s jobs through the API, every account\'s with --local', async () => {
    const remote = await run(process.execPath, [BIN, 'jobs', 'list', '--json', '--endpoint', server.url], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey, AWS_REGION: 'us-east-1' },
    });
    expect((JSON.parse(remote.stdout) as JobView[]).map((job) => job.resources[0])).toEqual(queuedDatasets);

    const store = backend === 'postgres' ? ['--database-url', server.databaseUrl!] : ['--data-dir', server.dataDir];
    const local = await run(process.execPath, [BIN, 'jobs', 'list', '--local', '--json', ...store]);
    const everyone = JSON.parse(local.stdout) as JobView[];
    expect(everyone.map((job) => [job.state, job.resources[0]])).toEqual([
      ...queuedDatasets.map((arn) => ['QUEUED', arn]),
      ['FAILED', failedDataset],
    ]);
    const table = await run(process.execPath, [BIN, 'jobs', 'list', '--local', '--state', 'failed', ...store]);
    const [header, row] = table.stdout.split('\n');
    expect(header).toMatch(/^ID\s+STATE\s+KIND\s+ATTEMPTS\s+CREATED\s+STARTED\s+NEXT\/FAILED AT\s+ENDED\s+NODE\s+RESOURCE\s+LAST ERROR$/);
    // Its attempts used up, it gave up (it was not cancelled).
    expect(row.slice(header.indexOf('ENDED'))).toMatch(/^Gave up after \d+ s /);
    expect(table.stdout).toContain(failedDataset);
    expect(table.stdout).not.toContain(queuedDatasets[0]);

    const bad = await run(process.execPath, [BIN, 'jobs', 'list', '--local', '--state', 'DONE', ...store]).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain('--state DONE: expected QUEUED, RUNNING, RETRYING, FAILED');
  });

  it('says when a running job\'s attempt started, and that a handed-back one waits again', async () => {
    const now = Date.now();
    const owner = 'test-node/1/claim';
    // Bob's oldest job, claimed as a runner would (the runner of this file is paused).
    const claimed = (await server.trove.store.jobs.claim(owner, now, 60_000))!;
    try {
      const [running] = (await list(bob, '?state=RUNNING')).jobs;
      expect(running).toMatchObject({ jobId: claimed.id, state: 'RUNNING', attempts: 1, startedAt: now / 1000, resources: [queuedDatasets[0]] });
      expect(running.startedAt!).toBeGreaterThanOrEqual(running.createdAt);
      expect(running.nextAttemptAt).toBeUndefined();
      // The CLI's table says the same, in its STARTED column.
      const table = await run(process.execPath, [BIN, 'jobs', 'list', '--state', 'running', '--endpoint', server.url], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey, AWS_REGION: 'us-east-1' },
      });
      const [header, row] = table.stdout.split('\n');
      const column = header.indexOf('STARTED');
      expect(row.slice(column, column + 20)).toBe(new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'));
    } finally {
      expect(await server.trove.store.jobs.release(claimed.id, owner, now, 'handed back by the test')).toBe(true);
    }
    const [queued] = (await list(bob)).jobs;
    expect(queued).toMatchObject({ jobId: claimed.id, state: 'QUEUED', attempts: 0, nextAttemptAt: now / 1000, lastError: 'handed back by the test' });
    expect(queued.startedAt).toBeUndefined();
  });

  it('counts the attempts, the give-up and the kept failure in the metrics', async () => {
    const after = await scrape(server.url);
    const kind = 'rekognition.update-entries';
    expect(delta(before, after, 'trove_job_run_seconds_count', { kind, outcome: 'failed' })).toBe(1);
    expect(delta(before, after, 'trove_job_run_seconds_count', { kind, outcome: 'gave_up' })).toBe(1);
    expect(after.get(sampleKey('trove_jobs', { kind, state: 'failed' }))).toBe(1);
    expect(after.get(sampleKey('trove_jobs', { kind: 'rekognition.create-dataset', state: 'queued' }))).toBe(2);
    expect(delta(before, after, 'trove_image_checks_total', { outcome: 'unavailable' })).toBe(1);
  });
});
