import {
  CreateDatasetCommand, CreateProjectCommand, ListDatasetEntriesCommand, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/**
 * U+0000 cannot be stored in PostgreSQL text, so Trove refuses it in source-refs and label names
 * on every backend alike, and a filter containing it matches nothing (never a 500).
 */
describe.each(BACKENDS)('Rekognition text with U+0000 (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let DatasetArn: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition({ maxAttempts: 1 });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'nul' }));
    DatasetArn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    await settled(client, DatasetArn);
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn,
      Changes: {
        GroundTruth: lines(
          classificationLine('s3://bucket/a\u0000b.jpg', 'rose'),
          classificationLine('s3://bucket/1.jpg', 'ro\u0000se'),
          detectionLine('s3://bucket/2.jpg', [{ label: 'tu\u0000lip', left: 1, top: 1, width: 20, height: 20 }]),
          classificationLine('s3://bucket/3.jpg', 'rose'),
          classificationLine('s3://bucket/4.jpg', 'rose'),
          classificationLine('s3://bucket/5.jpg', 'rose'),
        ),
      },
    }));
  });
  afterAll(async () => server?.close());

  it('drops a source-ref with U+0000 and keeps a label name with it out of the labels', async () => {
    const d = await settled(client, DatasetArn);
    expect(d.Status).toBe('UPDATE_COMPLETE');
    // AWS: an entry with a label attribute counts as labeled even when the attribute has errors.
    expect(d.DatasetStats).toEqual({ TotalEntries: 5, LabeledEntries: 5, ErrorEntries: 2, TotalLabels: 1 });
    const entries = await allEntries(client, { DatasetArn });
    expect(entries.map((e) => e['source-ref'])).toEqual(['s3://bucket/1.jpg', 's3://bucket/2.jpg', 's3://bucket/3.jpg', 's3://bucket/4.jpg', 's3://bucket/5.jpg']);
    const labels = await client.send(new ListDatasetLabelsCommand({ DatasetArn }));
    expect(labels.DatasetLabelDescriptions?.map((l) => l.LabelName)).toEqual(['rose']);
  });

  it('answers filters containing U+0000 with no entries', async () => {
    const byLabel = await client.send(new ListDatasetEntriesCommand({ DatasetArn, ContainsLabels: ['ro\u0000se'] }));
    expect(byLabel.DatasetEntries).toEqual([]);
    const mixed = await client.send(new ListDatasetEntriesCommand({ DatasetArn, ContainsLabels: ['ro\u0000se', 'rose'] }));
    expect(mixed.DatasetEntries).toHaveLength(3);
    const byRef = await client.send(new ListDatasetEntriesCommand({ DatasetArn, SourceRefContains: 'a\u0000b' }));
    expect(byRef.DatasetEntries).toEqual([]);
  });
});
