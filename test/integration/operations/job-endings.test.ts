import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedWords } from '../../../src/api/trove/jobs-outputs.js';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import type { JobView } from '../../../src/domain/jobs/job-listing.js';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

interface JobsPage { jobs: JobView[]; nextToken?: string }

/**
 * How a job's end reads: a change rejected for what it holds is "Rejected", not "Gave up" (it
 * was never retried), and an attempt no runner ended (its node stopped: a lease that expired, a
 * process that died) leaves an error saying so, not nothing.
 */
describe.each(BACKENDS)('jobs: how they ended, in words (%s)', (backend) => {
  let server: TestServer;
  let api: TroveApiClient;
  let dataset: string;
  const jobs = async (state: string) => (await api.call<JobsPage>('GET', `/_trove/api/jobs?state=${state}`)).jobs;

  beforeAll(async () => {
    server = await startServer({ backend, imageChecks: { enabled: false } });
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'endings' }));
    ({ DatasetArn: dataset } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' })) as { DatasetArn: string });
    await settled(client, dataset);
  });
  afterAll(async () => server?.close());

  it('words a rejected change as rejected and not retried, a give-up being something else', async () => {
    const client = server.rekognition();
    // 251 labels: past the 250 a dataset may have, the change is rejected on its first attempt.
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn: dataset, Changes: { GroundTruth: lines(...Array.from({ length: 251 }, (_, i) => classificationLine(`s3://photos/${i}.png`, `label_${i}`))) },
    }));
    expect(await settled(client, dataset)).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR' });
    const [failed] = await jobs('FAILED');
    expect(failed).toMatchObject({ state: 'FAILED', attempts: 1, rejected: true, lastError: expect.stringMatching(/^ERROR_MANIFEST_TOO_MANY_LABELS: /) as string });
    expect(failedWords(failed).sentence).toMatch(/^Rejected after \d+ s, not retried$/);
    // A job that gave up (its attempts used up) is not rejected.
    expect(failedWords({ ...failed, rejected: undefined }).sentence).toMatch(/^Gave up after \d+ s$/);
  });

  it('records an error for an attempt whose node stopped: a lease that expired, a process that died', async () => {
    const client = server.rekognition();
    const { store } = server.trove;
    server.trove.runner.pause();
    try {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: dataset, Changes: { GroundTruth: lines(classificationLine('s3://photos/a.png', 'cat')) } }));
      // A node claims the job and is never heard of again: its lease expires, another node claims it.
      const gone = (await store.jobs.claim('gone-node/1/runner', Date.now(), 1))!;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const taken = (await store.jobs.claim('other-node/1/runner', Date.now(), 60_000))!;
      expect(taken.id).toBe(gone.id);
      const [running] = await jobs('RUNNING');
      expect(running).toMatchObject({ jobId: gone.id, lastError: 'The node running it stopped before the attempt finished (its lease expired)' });
      expect(await store.jobs.release(taken.id, 'other-node/1/runner', Date.now())).toBe(true);

      // An embedded store's process died with the job running: start-up hands it back.
      await store.jobs.claim('dead-process/1/runner', Date.now(), 60_000);
      await store.jobs.releaseAllRunning();
      const [queued] = await jobs('RETRYING');
      expect(queued).toMatchObject({ jobId: gone.id, lastError: 'The node running it stopped before the attempt finished (the process stopped)' });
    } finally {
      server.trove.runner.resume();
    }
    expect((await settled(client, dataset)).Status).toBe('UPDATE_COMPLETE');
  });
});
