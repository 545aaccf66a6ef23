import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateDatasetCommand, CreateProjectCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { putObject } from '../../harness/console-fixtures.js';
import { classificationLine, lines } from '../../harness/rekognition.js';
import { eventually, startServer, TEST_MASTER_KEY } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// `bin/trove buckets` through the real binary, beside a running server that sees its changes
// (another process; on PostgreSQL the same database every node shares) within its cache time.

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const A = '111111111111';
const B = '222222222222';

describe.each(BACKENDS)('bin/trove buckets (%s)', (backend) => {
  let server: TestServer;
  let a: RekognitionClient;
  let b: RekognitionClient;
  let projects = 0;
  const trove = async (...args: string[]) => {
    const store = server.databaseUrl ? ['--database-url', server.databaseUrl] : [];
    const { stdout } = await run(process.execPath, [BIN, 'buckets', ...args, '--data-dir', server.dataDir, ...store], { env: { ...process.env, TROVE_MASTER_KEY: TEST_MASTER_KEY } });
    return stdout;
  };
  const failure = (...args: string[]) => trove(...args).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
  /** Whether `client` may create a dataset from the manifest in `photos` (InvalidS3ObjectException otherwise). */
  const reads = async (client: RekognitionClient) => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `cli-${++projects}` }));
    return client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'photos', Name: 'train.manifest' } } },
    })).then(() => true, (e: Error) => {
      if (e.name !== 'InvalidS3ObjectException') throw e;
      return false;
    });
  };
  const until = (client: RekognitionClient, expected: boolean) => eventually(async () => ((await reads(client)) === expected ? true : undefined), 10_000, `read = ${expected}`);

  beforeAll(async () => {
    server = await startServer({ backend, auth: { credentialCacheMs: 200 } });
    a = server.rekognition({ credentials: await server.createCredential({ account: A }), maxAttempts: 1 });
    b = server.rekognition({ credentials: await server.createCredential({ account: B }), maxAttempts: 1 });
    putObject(server.dataDir, 'photos', 'cat.png', Buffer.from('not even an image'));
    putObject(server.dataDir, 'photos', 'train.manifest', Buffer.from(lines(classificationLine('s3://photos/cat.png', 'cat'))));
    putObject(server.dataDir, 'orphan', 'x', Buffer.from('x'));
  });
  afterAll(async () => server?.close());

  it('lists the bucket folder\'s buckets and says that an ownerless one is read by no account', async () => {
    expect(await trove('list')).toBe([
      'BUCKET  OWNER  READ BY                        STATE',
      'orphan  -      no owner: no account reads it  in the bucket folder only',
      'photos  -      no owner: no account reads it  in the bucket folder only',
      '',
    ].join('\n'));
    expect(await reads(a)).toBe(false);
  });

  it('create with an owner, grant, list, revoke: each change reaches the running server', async () => {
    expect(JSON.parse(await trove('create', 'photos', '--owner', A, '--json'))).toEqual({ bucket: 'photos', owner: A, grants: [], registered: true });
    await until(a, true);
    expect(await reads(b)).toBe(false);

    expect(await trove('grant', 'photos', '--account', B)).toBe(`photos: ${A} (owner), ${B} (read)\n`);
    await until(b, true);
    expect(JSON.parse(await trove('list', '--json'))).toEqual([
      { bucket: 'orphan', owner: null, grants: [], registered: false },
      { bucket: 'photos', owner: A, grants: [{ account: B, access: 'read' }], registered: true },
    ]);
    expect(JSON.parse(await trove('grant', 'photos', '--account', B, '--access', 'read-write', '--json')).grants).toEqual([{ account: B, access: 'read-write' }]);
    expect(await server.trove.buckets.canWrite(B, 'photos')).toBe(true);
    expect(JSON.parse(await trove('list', '--account', B, '--json')).map((x: { bucket: string }) => x.bucket)).toEqual(['photos']);

    expect(await trove('revoke', 'photos', '--account', B)).toBe(`photos: ${A} (owner)\n`);
    await until(b, false);
    expect(await trove('assign', 'photos', '--owner', B)).toBe(`photos: ${B} (owner)\n`);
    await until(a, false);
    await until(b, true);
    expect(await trove('delete', 'photos')).toBe('photos: owner and grants forgotten; the bucket now has no owner.\n');
    await until(b, false);
  });

  it('explains mistakes with exit code 1 (2 and the usage without an action); --help', async () => {
    const [account, access, name, grant, owner, none, help] = await Promise.all([
      failure('grant', 'photos', '--account', '123'), failure('grant', 'photos', '--account', A, '--access', 'admin'), failure('create', 'a/b'),
      failure('revoke', 'orphan', '--account', A), failure('assign', 'orphan'), failure(), trove('--help'),
    ]);
    expect(account).toEqual({ code: 1, stderr: "trove buckets: The account must be 12 digits, like 123456789012 (got '123').\n" });
    expect(access).toEqual({ code: 1, stderr: "trove buckets: --access must be read or read-write (got 'admin').\n" });
    expect(name).toMatchObject({ code: 1, stderr: expect.stringContaining("'a/b' is not a bucket name") });
    expect(grant).toMatchObject({ code: 1, stderr: expect.stringContaining('has no grant') });
    expect(owner).toMatchObject({ code: 1, stderr: expect.stringContaining('--owner') });
    expect(none.code).toBe(2);
    expect(help).toMatch(/^Usage:\n  trove buckets list/);
  });
});

describe('bin/trove buckets without credentials', () => {
  it('says that the local pair reads every bucket', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
    try {
      const { stdout } = await run(process.execPath, [BIN, 'buckets', 'list', '--data-dir', dataDir]);
      expect(stdout).toBe('No credentials exist: the local test/test pair (loopback bind) reads every bucket; owners and grants apply once a credential is created.\n'
        + 'No buckets. Register one with `trove buckets create <bucket> --owner <12 digits>`.\n');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
