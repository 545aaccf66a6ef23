import { CreateDatasetCommand, CreateProjectCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/**
 * A change's payload is stored in 64 KiB pieces and read a few pieces at a time while the change
 * is applied, inside the job's transaction. Read through that transaction: on PostgreSQL a read
 * on another connection waited for one the pool could not give (a pool of one connection, or as
 * many as the jobs running at once), until the pool's 10 s timeout failed the job, every attempt.
 */
describe.each(BACKENDS)('UpdateDatasetEntries with a one-connection pool (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, databasePoolSize: 1, jobs: { concurrency: 1 } });
  });
  afterAll(async () => server?.close());

  it('applies a change of many pieces', async () => {
    const client = server.rekognition({ maxAttempts: 1 });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'small-pool' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    // ~1.2 MB: 19 pieces, three reads of 8 pieces; and the first line again at the end (an
    // image appears once per change: the first line is kept, however far apart the two are).
    const count = 8000;
    const items = Array.from({ length: count }, (_, i) => classificationLine(`s3://bucket/pool/${String(i).padStart(6, '0')}.jpg`, `label-${i % 7}`));
    const body = lines(...items, classificationLine('s3://bucket/pool/000000.jpg', 'late'));
    expect(body.length).toBeGreaterThan(17 * 64 * 1024);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: body } }));
    const description = await settled(client, DatasetArn!);
    expect(description.Status).toBe('UPDATE_COMPLETE');
    expect(description.DatasetStats?.TotalEntries).toBe(count);
    const entries = await allEntries(client, { DatasetArn, ContainsLabels: ['late'] });
    expect(entries).toEqual([]);
  }, 60_000);
});
