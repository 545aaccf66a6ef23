import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, ListDatasetEntriesCommand, ListDatasetLabelsCommand, RekognitionClient,
  UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

const DATASETS = 4;
const BASE = 4000;

function batch(round: number, count: number, offset = 0): Uint8Array {
  return lines(...Array.from({ length: count }, (_, i) => classificationLine(`s3://bucket/img/${String(i + offset).padStart(6, '0')}.jpg`, `round-${round}`)));
}

/**
 * Durability: updates accepted before a `kill -9` are applied exactly once after a restart on the
 * same data directory — no dataset stays *_IN_PROGRESS, counters match the entries (a job applied
 * twice would count twice), and no reader ever sees half a batch.
 */
describe.each(BACKENDS)('Rekognition survives kill -9 (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-durability-'));
  let trove: TroveProcess | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await trove?.stop('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  // PostgreSQL has no data-directory lock: the restarted node takes the killed node's running
  // jobs over once their lease (2 s here) has expired.
  const storeArgs = async () => backend === 'sqlite'
    ? ['--data-dir', dataDir]
    : ['--data-dir', dataDir, '--database-url', (database ??= await createTestDatabase()).url, '--job-lease-ms', '2000', '--job-poll-ms', '200'];
  const clientFor = (url: string) => new RekognitionClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

  it('applies every accepted update exactly once, with no half batch visible', async () => {
    trove = await spawnTrove([...(await storeArgs()), '--job-concurrency', '2']);
    let client = clientFor(trove.url);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'durable' }));
    const arns: string[] = [];
    for (let i = 0; i < DATASETS; i++) {
      const { ProjectArn: p } = i === 0 ? { ProjectArn } : await client.send(new CreateProjectCommand({ ProjectName: `durable-${i}` }));
      const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn: p, DatasetType: 'TRAIN' }));
      arns.push(DatasetArn!);
    }
    for (const arn of arns) {
      await settled(client, arn);
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: batch(1, BASE) } }));
    }
    for (const arn of arns) expect((await settled(client, arn)).DatasetStats?.TotalEntries).toBe(BASE);

    // Round 2 replaces every entry and adds as many again: accepted, then the server is killed mid-way.
    const accepted: string[] = [];
    await Promise.all(arns.map(async (arn) => {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: batch(2, BASE * 2) } }));
      accepted.push(arn);
    }));
    expect(accepted).toHaveLength(DATASETS);
    // With two jobs at a time, some of the four are still pending or running now.
    const statuses = await Promise.all(arns.map(async (arn) => (await client.send(new DescribeDatasetCommand({ DatasetArn: arn }))).DatasetDescription!));
    expect(statuses.filter((d) => d.Status === 'UPDATE_IN_PROGRESS').length).toBeGreaterThan(0);
    // Meanwhile readers see round 1 whole: the counters and the entries of the committed revision.
    // A job may finish between the statuses above and the listing below: a round-2 entry seen
    // then must belong to the whole round 2, published (checked by describing after the listing).
    for (const [i, d] of statuses.entries()) {
      if (d.Status !== 'UPDATE_IN_PROGRESS') continue;
      expect(d.DatasetStats?.TotalEntries).toBe(BASE);
      const partial = await client.send(new ListDatasetEntriesCommand({ DatasetArn: arns[i], ContainsLabels: ['round-2'], MaxResults: 1 }));
      if (partial.DatasetEntries!.length === 0) continue;
      const after = (await client.send(new DescribeDatasetCommand({ DatasetArn: arns[i] }))).DatasetDescription!;
      expect(after).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: BASE * 2 } });
    }
    await trove.stop('SIGKILL');

    trove = await spawnTrove(await storeArgs());
    client = clientFor(trove.url);
    for (const arn of arns) {
      const d = await settled(client, arn);
      expect(d.Status).toBe('UPDATE_COMPLETE');
      expect(d.DatasetStats).toEqual({ TotalEntries: BASE * 2, LabeledEntries: BASE * 2, ErrorEntries: 0, TotalLabels: 1 });
      const entries = await allEntries(client, { DatasetArn: arn });
      expect(entries).toHaveLength(BASE * 2);
      expect(entries.every((e) => 'round-2' in e)).toBe(true);
      const { DatasetLabelDescriptions } = await client.send(new ListDatasetLabelsCommand({ DatasetArn: arn }));
      expect(DatasetLabelDescriptions).toEqual([{ LabelName: 'round-2', LabelStats: { EntryCount: BASE * 2 } }]);
    }
    const again = await client.send(new DescribeDatasetCommand({ DatasetArn: arns[0] }));
    expect(again.DatasetDescription?.Status).toBe('UPDATE_COMPLETE');
  });

  it.runIf(backend === 'sqlite')('refuses a second process on the same data directory', async () => {
    await expect(spawnTrove(['--data-dir', dataDir])).rejects.toThrow(/another Trove \(pid \d+\) is already using the data directory/);
  });
});
