import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { peakGrowthDuring, spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

const LINES = 600;
/** Close to the 100,000 characters a line may have. */
const LINE_CHARS = 98_000;
const HEAP_MB = 64;
const MB = 1024 * 1024;

/** A valid classification line padded to LINE_CHARS with an attribute Trove keeps as it is. */
function longLine(i: number): string {
  const line = {
    'source-ref': `s3://photos/long/${i}.jpg`,
    flower: 1,
    'flower-metadata': {
      confidence: 1, 'job-name': 'labeling-job/flower', 'class-name': i % 2 === 0 ? 'rose' : 'tulip', 'human-annotated': 'yes',
      'creation-date': '2021-07-11T03:33:42.025Z', type: 'groundtruth/image-classification',
    },
    notes: '',
  };
  line.notes = 'n'.repeat(LINE_CHARS - JSON.stringify(line).length);
  return JSON.stringify(line);
}

/**
 * A manifest of long lines (59 MB of ~98 KB lines) imported by a Trove whose heap is 64 MB: the
 * import is written in chunks bounded by bytes, not only by 1000 lines (which held ~100 MB of
 * lines and their parsed entries at once).
 */
describe.each(BACKENDS)('a manifest of long lines in a small heap (%s)', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-long-lines-'));
  const buckets = join(dataDir, 'buckets');
  let database: TestDatabase | undefined;
  let trove: TroveProcess | undefined;

  beforeAll(async () => {
    database = backend === 'postgres' ? await createTestDatabase() : undefined;
    mkdirSync(join(buckets, 'manifests'), { recursive: true });
    writeFileSync(join(buckets, 'manifests', 'long.manifest'), Array.from({ length: LINES }, (_, i) => longLine(i)).join('\n'));
    trove = await spawnTrove(
      ['--data-dir', dataDir, '--bucket-dir', buckets, '--image-checks', 'off', ...(database ? ['--database-url', database.url] : [])],
      { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
    );
  });
  afterAll(async () => {
    await trove?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports every line, its peak memory a fraction of the manifest', async () => {
    const client = new RekognitionClient({ endpoint: trove!.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const { value: description, growth } = await peakGrowthDuring(trove!.child.pid!, async () => {
        const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'long-lines' }));
        const { DatasetArn } = await client.send(new CreateDatasetCommand({
          ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'manifests', Name: 'long.manifest' } } },
        }));
        for (;;) {
          if (trove!.child.exitCode !== null || trove!.child.signalCode !== null) throw new Error(`Trove died during the import:\n${trove!.output().slice(-1000)}`);
          const { DatasetDescription: d } = await client.send(new DescribeDatasetCommand({ DatasetArn }));
          if (!d?.Status?.endsWith('_IN_PROGRESS')) return d!;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
      expect(description.Status).toBe('CREATE_COMPLETE');
      expect(description.DatasetStats).toEqual({ TotalEntries: LINES, LabeledEntries: LINES, ErrorEntries: 0, TotalLabels: 2 });
      expect(growth).toBeLessThan(150 * MB);
    } finally {
      client.destroy();
    }
  });
});
