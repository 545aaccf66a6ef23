import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateDatasetCommand, CreateProjectCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptWords, jobTimes } from '../../../console/src/jobs/job-model.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import type { JobView } from '../../../src/client/jobs-client.js';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLines } from '../../harness/manifests.js';
import { rawSql } from '../../harness/raw-sql.js';
import { settled } from '../../harness/rekognition.js';
import { eventually, startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { TMPFS_UNAVAILABLE, writeOutage } from '../../harness/write-outage.js';
import type { WriteOutage } from '../../harness/write-outage.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const MANIFEST_LINES = 20_000;

/**
 * A job whose only run a store outage cut short (SQLite: the disk full; PostgreSQL: the database
 * read-only) is handed back without counting the attempt, yet ListJobs, `bin/trove jobs list` and
 * the console's words say it ran and was cut short, not that it never ran; cancelled while it
 * waits again, with the rows its cut-short run left, CancelJob answers that a runner deletes them
 * (not that it "stops at its next step": it is not running).
 */
describe.each(BACKENDS)('a job a store outage cut short (%s)', (backend) => {
  const unavailable = backend === 'sqlite' ? TMPFS_UNAVAILABLE : undefined;
  if (unavailable) {
    it.skip(`skipped: ${unavailable}`, () => undefined);
    return;
  }
  let outage: WriteOutage;
  let server: TestServer;
  let rekognition: RekognitionClient;
  let jobs: JobsClient;
  const buckets = mkdtempSync(join(tmpdir(), 'trove-interrupted-buckets-'));
  const cli = (...args: string[]) => run(process.execPath, [BIN, 'jobs', ...args, '--endpoint', server.url], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1' },
  });
  const jobOf = async (arn: string): Promise<JobView | undefined> => (await jobs.all()).find((job) => job.resources.includes(arn));

  beforeAll(async () => {
    outage = await writeOutage(backend);
    mkdirSync(join(buckets, 'manifests'));
    writeFileSync(join(buckets, 'manifests', 'big.manifest'), classificationLines('imgs', 'k', MANIFEST_LINES).join('\n'));
    server = await startServer({
      backend, ...outage.serverOptions, objectStore: { bucketDir: buckets }, imageChecks: { enabled: false },
      jobs: { pollMs: 50, backoffMaxMs: 400 },
    });
    rekognition = server.rekognition();
    jobs = new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
  });
  afterAll(async () => {
    server?.trove.runner.resume();
    await outage?.unblock();
    await server?.close();
    await outage?.close();
    rmSync(buckets, { recursive: true, force: true });
  });

  it('lists its run as cut short, not as never run; a cancel says a runner deletes what the run left, then it fails having run', async () => {
    const { ProjectArn } = await rekognition.send(new CreateProjectCommand({ ProjectName: 'interrupted' }));
    const written = async () => Number((await rawSql<{ n: number }>({ dataDir: server.dataDir, ...outage.serverOptions }, 'SELECT count(*) AS n FROM rk_entries')).rows[0].n);
    const before = await written();
    const { DatasetArn } = await rekognition.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'big.manifest' } } },
    }));
    const arn = DatasetArn!;
    // Writes stop once the import has committed its first chunk (at its unpublished revision).
    await eventually(async () => ((await written()) > before ? true : undefined), 20_000, 'the import to be under way');
    await outage.block();
    const { jobId } = (await jobOf(arn))!;
    // The attempt fails on its next write; the runner then waits for the store to hand it back.
    // Paused, it claims nothing once writes work again: the job waits, handed back.
    server.trove.runner.pause();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await outage.unblock();
    const handedBack = await eventually(async () => {
      const job = await jobOf(arn);
      return job?.state === 'QUEUED' ? job : undefined;
    }, 20_000, 'the cut-short job handed back to the queue');
    // Not counted towards giving up, but not "not tried yet" either.
    expect(handedBack).toMatchObject({ jobId, attempts: 0, interruptedAttempts: 1, lastError: expect.stringMatching(/^The database (cannot write|is unavailable): /) });
    expect(attemptWords(handedBack)).toBe('1 attempt cut short');
    expect(jobTimes(handedBack, Date.now()).map((fact) => fact.label).slice(0, 2)).toEqual(['Queued', 'Since queued']);
    const table = (await cli('list')).stdout.split('\n');
    const column = table[0].indexOf('ATTEMPTS');
    expect(table.find((line) => line.startsWith(`${jobId} `))!.slice(column)).toMatch(/^0 \(\+1 cut short\)\s/);
    expect(await written()).toBeGreaterThan(before);

    // Its cut-short run left rows: the request only marks it, and says a runner deletes them (it is not running).
    expect(JSON.parse((await cli('cancel', String(jobId), '--json')).stdout)).toEqual({ jobId, state: 'CANCELLING', resources: [arn], jobState: 'QUEUED' });
    expect(await jobOf(arn)).toMatchObject({ jobId, state: 'QUEUED', cancelRequestedBy: TEST_CREDENTIALS.accessKeyId, interruptedAttempts: 1 });

    server.trove.runner.resume();
    const done = await settled(rekognition, arn);
    expect(done).toMatchObject({ Status: 'CREATE_FAILED', StatusMessageCode: 'CLIENT_ERROR' });
    expect(done.StatusMessage).toMatch(/^CANCELLED: /);
    const failed = (await jobOf(arn))!;
    expect(failed).toMatchObject({ jobId, state: 'FAILED', attempts: 0, interruptedAttempts: 1 });
    // It ran, so the console does not say it never ran, and it did not give up.
    expect(attemptWords(failed)).toBe('1 attempt cut short');
    const times = jobTimes(failed, Date.now());
    expect(times.map((fact) => fact.label)).toEqual(['Queued', 'Failed', 'Cancelled after']);
    expect(times[2].text).toMatch(/^\d+ s; a store outage had cut its only run short$/);
    expect(await written()).toBe(before);
  }, 90_000);
});
