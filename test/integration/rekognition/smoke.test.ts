import {
  CreateDatasetCommand, CreateProjectCommand, DescribeProjectsCommand, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('rekognition smoke (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  it('creates a project and dataset, adds entries, lists them', async () => {
    const client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'flowers' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    expect((await settled(client, DatasetArn!)).Status).toBe('CREATE_COMPLETE');
    await client.send(new UpdateDatasetEntriesCommand({
      DatasetArn,
      Changes: { GroundTruth: lines(classificationLine('s3://bucket/a.jpg', 'rose'), detectionLine('s3://bucket/b.jpg', [{ label: 'tulip', left: 1, top: 1, width: 20, height: 20 }])) },
    }));
    const d = await settled(client, DatasetArn!);
    expect(d.Status).toBe('UPDATE_COMPLETE');
    expect(d.DatasetStats).toEqual({ LabeledEntries: 2, TotalEntries: 2, TotalLabels: 2, ErrorEntries: 0 });
    const entries = await allEntries(client, { DatasetArn });
    expect(entries.map((e) => e['source-ref'])).toEqual(['s3://bucket/a.jpg', 's3://bucket/b.jpg']);
    const labels = await client.send(new ListDatasetLabelsCommand({ DatasetArn }));
    expect(labels.DatasetLabelDescriptions).toEqual([
      { LabelName: 'rose', LabelStats: { EntryCount: 1 } },
      { LabelName: 'tulip', LabelStats: { EntryCount: 1, BoundingBoxCount: 1 } },
    ]);
    const projects = await client.send(new DescribeProjectsCommand({}));
    expect(projects.ProjectDescriptions?.[0].Datasets?.[0].DatasetArn).toBe(DatasetArn);
  });
});
