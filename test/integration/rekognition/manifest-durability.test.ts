import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { classificationLines } from '../../harness/manifests.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { allEntries, classificationLine, settled } from '../../harness/rekognition.js';
import { rawSql } from '../../harness/raw-sql.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

const LINES = 40_000;

/**
 * A manifest import is written in chunk transactions at an unpublished revision: a kill -9
 * half-way leaves nothing visible, and the retry after the restart starts again from scratch
 * (its own earlier chunks are discarded, not mistaken for repeated source-refs).
 */
describe.each(BACKENDS)('manifest import survives kill -9 (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-durability-'));
  const buckets = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
  let trove: TroveProcess | undefined;
  let database: TestDatabase | undefined;
  // PostgreSQL: the restarted node takes the killed node's job over once its lease (2 s here) expires.
  const storeArgs = async () => backend === 'sqlite'
    ? ['--data-dir', dataDir]
    : ['--data-dir', dataDir, '--database-url', (database ??= await createTestDatabase()).url, '--job-lease-ms', '2000', '--job-poll-ms', '200'];
  afterAll(async () => {
    await trove?.stop('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(buckets, { recursive: true, force: true });
  });
  const clientFor = (url: string) => new RekognitionClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

  it('imports every line exactly once after a restart', async () => {
    mkdirSync(join(buckets, 'manifests'));
    const rows = classificationLines('imgs', 'k', LINES);
    // A repeat far from its first line: the first one must win, also across the retry.
    rows.push(classificationLine('s3://imgs/k-7.png', 'zebra'));
    writeFileSync(join(buckets, 'manifests', 'big.manifest'), rows.join('\n'));
    const args = [...(await storeArgs()), '--bucket-dir', buckets];
    trove = await spawnTrove(args);
    let client = clientFor(trove.url);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'durable-manifest' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'big.manifest' } } },
    }));
    // Kill as soon as the first chunks are committed at the unpublished revision (read from the side).
    const written = async () => (await rawSql<{ n: number }>({ dataDir, databaseUrl: database?.url }, 'SELECT count(*) AS n FROM rk_entries')).rows[0].n;
    const deadline = Date.now() + 20_000;
    while ((await written()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = (await client.send(new DescribeDatasetCommand({ DatasetArn }))).DatasetDescription!;
    await trove.stop('SIGKILL');
    const interrupted = await written();
    expect(before.Status).toBe('CREATE_IN_PROGRESS');
    expect(before.DatasetStats?.TotalEntries ?? 0).toBe(0); // chunks written so far are not visible
    expect(interrupted).toBeGreaterThan(0);
    expect(interrupted).toBeLessThan(LINES);

    trove = await spawnTrove(args);
    client = clientFor(trove.url);
    const after = await settled(client, DatasetArn!);
    expect(after.Status).toBe('CREATE_COMPLETE');
    expect(after.DatasetStats).toEqual({ TotalEntries: LINES, LabeledEntries: LINES, ErrorEntries: 0, TotalLabels: 2 });
    expect(await allEntries(client, { DatasetArn, ContainsLabels: ['zebra'] })).toEqual([]);
  });
});
