import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatasetCommand as CreateAcDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateDatasetCommand, CreateProjectCommand, RekognitionClient, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { putObject } from '../../harness/console-fixtures.js';
import { png } from '../../harness/images.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { spawnTrove } from '../../harness/process.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { sdkFailure } from '../../harness/sdk-failure.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { presignRequest, send } from '../../harness/sigv4.js';

// The folder store through the APIs (issue 11 §2): symlinks never lead out of their bucket, a FIFO
// never hangs a job or the process, keys no file can have are final errors at once (never a
// retried SERVICE_ERROR), and no answer carries a server file path.

const IMAGE = png(128, 96);
const MISSING = 'The image is invalid. Check S3 path and/or image properties. The object does not exist or this account may not read it.';
const LONG_KEY = `${'x'.repeat(300)}.png`;

describe.each(BACKENDS)('folder store through the APIs (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let buckets: string;
  let projects = 0;
  const good = Array.from({ length: 20 }, (_, i) => `s3://pics/good-${i}.png`);
  const newDataset = async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `folder-${++projects}` }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    return { ProjectArn: ProjectArn!, DatasetArn: DatasetArn! };
  };
  const update = async (DatasetArn: string, refs: string[]) => {
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...refs.map((ref) => classificationLine(ref, 'cat'))) } }));
    return settled(client, DatasetArn);
  };
  const errorsOf = async (DatasetArn: string) =>
    Object.fromEntries((await allEntries(client, { DatasetArn, HasErrors: true })).map((e) => [e['source-ref'], e['cl-errors']]));
  const manifestFailure = async (ProjectArn: string, Bucket: string, Name: string) => sdkFailure(client.send(new CreateDatasetCommand({
    ProjectArn, DatasetType: 'TEST', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket, Name } } },
  })));

  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition({ maxAttempts: 1 });
    buckets = join(server.dataDir, 'buckets');
    for (const ref of good) putObject(server.dataDir, 'pics', ref.slice('s3://pics/'.length), IMAGE);
    symlinkSync('/', join(buckets, 'root'));
    symlinkSync('/etc/passwd', join(buckets, 'pics', 'passwd'));
    symlinkSync('../../trove.db', join(buckets, 'pics', 'database'));
    symlinkSync('loop-b', join(buckets, 'pics', 'loop-a'));
    symlinkSync('loop-a', join(buckets, 'pics', 'loop-b'));
    execFileSync('mkfifo', [join(buckets, 'pics', 'pipe.png'), join(buckets, 'pics', 'pipe.manifest')]);
  });
  afterAll(async () => server?.close());

  it('a bucket or key that is a symlink out of its bucket names no object: nothing of the host is read or told', async () => {
    const { ProjectArn, DatasetArn } = await newDataset();
    for (const [bucket, key, problem] of [['root', 'etc/passwd', 'no such bucket'], ['pics', 'passwd', 'no such object'], ['pics', 'database', 'no such object']]) {
      const error = await manifestFailure(ProjectArn, bucket, key);
      expect({ name: error.name, message: error.message }).toEqual({
        name: 'InvalidS3ObjectException',
        message: `Unable to get object metadata from S3. Check object key, region and/or access permissions. (${problem}: s3://${bucket}/${key}: `
          + `The specified ${problem === 'no such bucket' ? 'bucket' : 'key'} does not exist.)`,
      });
    }
    // Inside the symlinked "bucket", a file that exists and one that does not look the same (not checked: no such bucket).
    const description = await update(DatasetArn, [...good, 's3://root/etc/passwd', 's3://root/etc/no-such-file', 's3://pics/passwd']);
    expect(description).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 23, ErrorEntries: 1 } });
    expect(await errorsOf(DatasetArn)).toEqual({ 's3://pics/passwd': [{ code: 'ERROR_INVALID_IMAGE', message: MISSING }] });
  });

  it('a FIFO as a source-ref or a manifest is no object, answered at once (the job finishes, nothing waits for a writer)', async () => {
    const { ProjectArn, DatasetArn } = await newDataset();
    const manifest = await manifestFailure(ProjectArn, 'pics', 'pipe.manifest');
    expect(manifest.name).toBe('InvalidS3ObjectException');
    expect(manifest.message).toContain('(no such object: s3://pics/pipe.manifest: The specified key does not exist.)');
    expect(await update(DatasetArn, [...good, 's3://pics/pipe.png'])).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { ErrorEntries: 1 } });
    expect(await errorsOf(DatasetArn)).toEqual({ 's3://pics/pipe.png': [{ code: 'ERROR_INVALID_IMAGE', message: MISSING }] });
  });

  it('an AgentCore s3Source that is a FIFO or a symlink out of its bucket fails the import at once', async () => {
    const agentcore = server.agentcore({ maxAttempts: 1 });
    for (const key of ['pipe.manifest', 'passwd']) {
      const { datasetId } = await agentcore.send(new CreateAcDatasetCommand({
        datasetName: `fifo_${key.replace('.', '_')}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { s3Source: { s3Uri: `s3://pics/${key}` } },
      }));
      expect(await acSettled(agentcore, datasetId!)).toMatchObject({ status: 'CREATE_FAILED', failureReason: `s3://pics/${key} does not exist (no such key).` });
    }
  });

  it('/_trove/images on FIFOs answers 404 at once, however many, and every other file read keeps working', async () => {
    const { DatasetArn } = await newDataset();
    // Entries whose images were fine when checked and have since been replaced by FIFOs.
    const swapped = Array.from({ length: 8 }, (_, i) => `s3://pics/swap-${i}.png`);
    for (const ref of swapped) putObject(server.dataDir, 'pics', ref.slice('s3://pics/'.length), IMAGE);
    expect((await update(DatasetArn, [...good, ...swapped])).DatasetStats).toMatchObject({ ErrorEntries: 0 });
    for (const ref of swapped) {
      const file = join(buckets, 'pics', ref.slice('s3://pics/'.length));
      unlinkSync(file);
      execFileSync('mkfifo', [file]);
    }
    const image = async (sourceRef: string) => send(server.url, await presignRequest(server.url,
      { method: 'GET', path: '/_trove/images', query: [['datasetArn', DatasetArn], ['sourceRef', sourceRef]], headers: {} },
      { ...TEST_CREDENTIALS, service: 'rekognition', expiresIn: 60 }));
    const answers = await Promise.all(swapped.map(image));
    expect(answers.map((a) => [a.status, a.json().code])).toEqual(swapped.map(() => [404, 'NoSuchKey']));
    expect((await image(good[0])).status).toBe(200);
  });

  it('keys no file can have (a segment over 255 bytes, a symlink loop) are final errors at once, not a retried SERVICE_ERROR', async () => {
    const { ProjectArn, DatasetArn } = await newDataset();
    for (const key of [LONG_KEY, 'loop-a']) {
      const error = await manifestFailure(ProjectArn, 'pics', key);
      expect(error.name).toBe('InvalidS3ObjectException');
      expect(error.message).toContain(`(no such object: s3://pics/${key}: The specified key does not exist`);
      expect(error.message).not.toContain(server.dataDir);
    }
    const refs = [`s3://pics/${LONG_KEY}`, 's3://pics/loop-a', 's3://pics/loop-a/deeper.png'];
    const description = await update(DatasetArn, [...good, ...refs]);
    expect([description.Status, description.StatusMessageCode]).toEqual(['UPDATE_COMPLETE', 'SUCCESS']);
    expect(Object.keys(await errorsOf(DatasetArn)).sort()).toEqual([...refs].sort());
  });
});

describe.each(BACKENDS)('a FIFO source-ref under bin/trove (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-fifo-'));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the job ends with the entry\'s error, and SIGTERM completes while it runs', async () => {
    const args = ['--data-dir', dataDir, ...(backend === 'postgres' ? ['--database-url', (database = await createTestDatabase()).url] : [])];
    let trove = await spawnTrove(args);
    const connect = (url: string) => new RekognitionClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    let client = connect(trove.url);
    try {
      mkdirSync(join(dataDir, 'buckets', 'pics'), { recursive: true });
      for (let i = 0; i < 10; i++) putObject(dataDir, 'pics', `good-${i}.png`, IMAGE);
      execFileSync('mkfifo', [join(dataDir, 'buckets', 'pics', 'pipe.png')]);
      const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'fifo' }));
      const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
      await settled(client, DatasetArn!);
      await client.send(new UpdateDatasetEntriesCommand({
        DatasetArn, Changes: { GroundTruth: lines(...[...Array.from({ length: 10 }, (_, i) => `s3://pics/good-${i}.png`), 's3://pics/pipe.png'].map((r) => classificationLine(r, 'cat'))) },
      }));
      // A graceful stop waits for running jobs: it completes only if no job hangs on the FIFO.
      const exit = await Promise.race([trove.stop('SIGTERM'), new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
      if (exit === 'still running') await trove.stop('SIGKILL');
      expect(exit).toBe(0);
      client.destroy();
      trove = await spawnTrove(args);
      client = connect(trove.url);
      const description = await settled(client, DatasetArn!);
      expect([description.Status, description.StatusMessageCode]).toEqual(['UPDATE_COMPLETE', 'SUCCESS']);
      expect((await allEntries(client, { DatasetArn, HasErrors: true })).map((e) => [e['source-ref'], e['cl-errors']]))
        .toEqual([['s3://pics/pipe.png', [{ code: 'ERROR_INVALID_IMAGE', message: MISSING }]]]);
    } finally {
      client.destroy();
      await trove.stop('SIGKILL');
    }
  });
});
