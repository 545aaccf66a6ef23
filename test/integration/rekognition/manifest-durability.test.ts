import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, describe, expect, it } from 'vitest';
import { classificationLines } from '../../harness/manifests.js';
import { spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { allEntries, classificationLine, settled } from '../../harness/rekognition.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

const LINES = 40_000;

/**
 * A manifest import is written in chunk transactions at an unpublished revision: a kill -9
 * half-way leaves nothing visible, and the retry after the restart starts again from scratch
 * (its own earlier chunks are discarded, not mistaken for repeated source-refs).
 */
describe('manifest import survives kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-durability-'));
  const buckets = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
  let trove: TroveProcess | undefined;
  afterAll(async () => {
    await trove?.stop('SIGKILL');
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
    const args = ['--data-dir', dataDir, '--bucket-dir', buckets];
    trove = await spawnTrove(args);
    let client = clientFor(trove.url);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'durable-manifest' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'big.manifest' } } },
    }));
    // Kill as soon as the first chunks are committed at the unpublished revision (read from the side).
    const db = new Database(join(dataDir, 'trove.db'), { readonly: true });
    const written = () => (db.prepare('SELECT count(*) AS n FROM rk_entries').get() as { n: number }).n;
    const deadline = Date.now() + 20_000;
    while (written() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = (await client.send(new DescribeDatasetCommand({ DatasetArn }))).DatasetDescription!;
    await trove.stop('SIGKILL');
    const interrupted = written();
    db.close();
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
