import {
  CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, InvalidParameterException, ListDatasetLabelsCommand,
  ResourceInUseException, ResourceNotFoundException, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('Rekognition UpdateDatasetEntries (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let n = 0;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
  });
  afterAll(async () => server?.close());

  async function dataset(): Promise<string> {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `entries-${++n}` }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    return DatasetArn!;
  }

  async function update(DatasetArn: string, ...items: string[]) {
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...items) } }));
    return settled(client, DatasetArn);
  }

  async function labels(DatasetArn: string) {
    const { DatasetLabelDescriptions } = await client.send(new ListDatasetLabelsCommand({ DatasetArn }));
    return Object.fromEntries(DatasetLabelDescriptions!.map((d) => [d.LabelName, [d.LabelStats?.EntryCount, d.LabelStats?.BoundingBoxCount ?? 0]]));
  }

  it('moves UPDATE_IN_PROGRESS → UPDATE_COMPLETE and answers ResourceInUseException to a second update meanwhile', async () => {
    const DatasetArn = await dataset();
    server.trove.runner.pause();
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(classificationLine('s3://bucket/a.jpg', 'a')) } }));
    const during = await client.send(new DescribeDatasetCommand({ DatasetArn }));
    expect(during.DatasetDescription).toMatchObject({ Status: 'UPDATE_IN_PROGRESS', StatusMessageCode: 'SUCCESS' });
    await expect(client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(classificationLine('s3://bucket/b.jpg', 'b')) } })))
      .rejects.toBeInstanceOf(ResourceInUseException);
    server.trove.runner.resume();
    const after = await settled(client, DatasetArn);
    expect(after).toMatchObject({ Status: 'UPDATE_COMPLETE', StatusMessageCode: 'SUCCESS', DatasetStats: { TotalEntries: 1, LabeledEntries: 1, TotalLabels: 1, ErrorEntries: 0 } });
  });

  it('upserts by source-ref: replacing an entry replaces its labels, and the stats stay exact', async () => {
    const DatasetArn = await dataset();
    let d = await update(DatasetArn,
      classificationLine('s3://bucket/1.jpg', 'cat'),
      classificationLine('s3://bucket/2.jpg', 'cat'),
      detectionLine('s3://bucket/3.jpg', [{ label: 'dog', left: 1, top: 1, width: 30, height: 30 }, { label: 'cat', left: 50, top: 50, width: 30, height: 30 }]),
      JSON.stringify({ 'source-ref': 's3://bucket/4.jpg' }));
    expect(d.DatasetStats).toEqual({ TotalEntries: 4, LabeledEntries: 3, TotalLabels: 2, ErrorEntries: 0 });
    expect(await labels(DatasetArn)).toEqual({ cat: [3, 1], dog: [1, 1] });
    // Replace 3.jpg without the dog, label 4.jpg, and break 2.jpg's box.
    d = await update(DatasetArn,
      detectionLine('s3://bucket/3.jpg', [{ label: 'cat', left: 50, top: 50, width: 30, height: 30 }]),
      classificationLine('s3://bucket/4.jpg', 'bird'),
      detectionLine('s3://bucket/2.jpg', [{ label: 'cat', left: 600, top: 10, width: 100, height: 30 }]));
    expect(d.DatasetStats).toEqual({ TotalEntries: 4, LabeledEntries: 4, TotalLabels: 2, ErrorEntries: 1 });
    // AWS: a label no entry uses any more disappears. 2.jpg's only box is off the frame, so it no longer counts for cat.
    expect(await labels(DatasetArn)).toEqual({ cat: [2, 1], bird: [1, 0] });
    const entries = await allEntries(client, { DatasetArn });
    expect(entries).toHaveLength(4);
    const two = entries.find((e) => e['source-ref'] === 's3://bucket/2.jpg') as { 'bounding-box': { annotations: { 'cl-errors'?: unknown[] }[] } };
    expect(two['bounding-box'].annotations[0]['cl-errors']).toEqual([{ code: 'ERROR_INVALID_BOUNDING_BOX', message: expect.any(String) }]);
  });

  it('stores non-terminal errors on the entry at the right level and counts them in ErrorEntries', async () => {
    const DatasetArn = await dataset();
    const wrongType = JSON.parse(classificationLine('s3://bucket/wrong.jpg', 'x'));
    wrongType['x-metadata'].type = 'groundtruth/wrongtype';
    const tooMany = detectionLine('s3://bucket/many.jpg', Array.from({ length: 51 }, (_, i) => ({ label: 'dot', left: i * 10, top: 0, width: 5, height: 5 })));
    const missingClass = JSON.parse(detectionLine('s3://bucket/missing.jpg', [{ label: 'a', left: 0, top: 0, width: 10, height: 10 }]));
    missingClass['bounding-box'].annotations[0].class_id = 7;
    const longName = classificationLine('s3://bucket/long.jpg', 'n'.repeat(300));
    const d = await update(DatasetArn, JSON.stringify(wrongType), tooMany, JSON.stringify(missingClass), longName, classificationLine('s3://bucket/ok.jpg', 'ok'));
    expect(d.Status).toBe('UPDATE_COMPLETE');
    expect(d.DatasetStats).toMatchObject({ TotalEntries: 5, ErrorEntries: 4, TotalLabels: 1 });
    const withErrors = await allEntries(client, { DatasetArn, HasErrors: true });
    const byRef = Object.fromEntries(withErrors.map((e) => [e['source-ref'], e])) as Record<string, Record<string, any>>;
    expect(Object.keys(byRef).sort()).toEqual(['s3://bucket/long.jpg', 's3://bucket/many.jpg', 's3://bucket/missing.jpg', 's3://bucket/wrong.jpg']);
    expect(byRef['s3://bucket/wrong.jpg']['x-metadata']['cl-errors'][0].code).toBe('ERROR_UNSUPPORTED_USE_CASE_TYPE');
    expect(byRef['s3://bucket/wrong.jpg']['cl-errors'][0].code).toBe('ERROR_NO_VALID_LABEL_ATTRIBUTES');
    expect(byRef['s3://bucket/many.jpg']['bounding-box']['cl-errors'][0].code).toBe('ERROR_TOO_MANY_BOUNDING_BOXES');
    expect(byRef['s3://bucket/missing.jpg']['bounding-box'].annotations[0]['cl-errors'][0].code).toBe('ERROR_MISSING_CLASS_MAP_ID');
    expect(byRef['s3://bucket/long.jpg'][`${'n'.repeat(300)}-metadata`]['cl-errors'][0].code).toBe('ERROR_INVALID_LABEL_NAME_LENGTH');
    for (const entry of withErrors) expect(entry['cl-metadata']).toEqual({ is_labeled: true });
  });

  it('drops lines with terminal errors and applies the rest', async () => {
    const DatasetArn = await dataset();
    const good = Array.from({ length: 8 }, (_, i) => classificationLine(`s3://bucket/good-${i}.jpg`, 'g'));
    const d = await update(DatasetArn, ...good,
      '{not json',
      JSON.stringify({ 'source-ref': 'https://example.com/x.jpg' }),
      classificationLine('s3://bucket/good-0.jpg', 'duplicate'));
    // AWS: more than 20% of the lines with terminal errors (here 3 of 11) fails the whole update.
    expect(d.Status).toBe('UPDATE_FAILED');
    expect(d.StatusMessageCode).toBe('CLIENT_ERROR');
    expect(d.StatusMessage).toMatch(/^ERROR_TOO_MANY_RECORDS_IN_ERROR: .*3 of 11 lines/);
    expect(d.DatasetStats?.TotalEntries).toBe(0);
    // 2 of 10 (20%) is within the rule: the bad JSON and the repeated source-ref are dropped, the rest applied.
    const ok = await update(DatasetArn, ...good, '{not json', classificationLine('s3://bucket/good-0.jpg', 'duplicate'));
    expect(ok.Status).toBe('UPDATE_COMPLETE');
    expect(ok.DatasetStats).toMatchObject({ TotalEntries: 8, TotalLabels: 1 });
    // The first occurrence of a repeated source-ref wins.
    expect((await labels(DatasetArn))).toEqual({ g: [8, 0] });
  });

  it('keeps a source-ref whose key is S3\'s longest (1,024 bytes) and drops a longer one, applying the rest', async () => {
    const DatasetArn = await dataset();
    // Random hex does not compress: PostgreSQL's B-tree indexes on source_ref refuse rows over ~2.7 KB.
    const key = (bytes: number) => randomBytes(bytes / 2).toString('hex');
    const longest = `s3://bucket/${key(1024)}`;
    const tooLong = `s3://bucket/${key(3000)}`;
    const good = Array.from({ length: 8 }, (_, i) => classificationLine(`s3://bucket/k-${i}.jpg`, 'g'));
    const d = await update(DatasetArn, ...good, classificationLine(longest, 'g'), classificationLine(tooLong, 'g'));
    expect(d).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 9 } });
    const refs = (await allEntries(client, { DatasetArn })).map((e) => e['source-ref']);
    expect(refs).toContain(longest);
    expect(refs).not.toContain(tooLong);
  });

  it('fails the whole update when the dataset would exceed 250 labels, changing nothing', async () => {
    const DatasetArn = await dataset();
    await update(DatasetArn, ...Array.from({ length: 200 }, (_, i) => classificationLine(`s3://bucket/a-${i}.jpg`, `label-${i}`)));
    const before = await allEntries(client, { DatasetArn });
    const d = await update(DatasetArn, ...Array.from({ length: 60 }, (_, i) => classificationLine(`s3://bucket/b-${i}.jpg`, `other-${i}`)));
    expect(d).toMatchObject({ Status: 'UPDATE_FAILED', StatusMessageCode: 'CLIENT_ERROR', DatasetStats: { TotalEntries: 200, TotalLabels: 200 } });
    expect(d.StatusMessage).toMatch(/^ERROR_MANIFEST_TOO_MANY_LABELS: /);
    expect(await allEntries(client, { DatasetArn })).toEqual(before);
    // A failed update leaves the dataset usable.
    expect((await update(DatasetArn, classificationLine('s3://bucket/c.jpg', 'label-1'))).Status).toBe('UPDATE_COMPLETE');
  });

  it('checks the blob: required, 1..5242880 decoded bytes; unknown datasets are not found', async () => {
    const DatasetArn = await dataset();
    await expect(client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: new Uint8Array(0) } })))
      .rejects.toBeInstanceOf(InvalidParameterException);
    const tooBig = Buffer.alloc(5_242_881, 0x20);
    const error = await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: tooBig } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toMatch(/changes\.groundTruth.*5242880/);
    await expect(client.send(new UpdateDatasetEntriesCommand({ DatasetArn: DatasetArn.replace(/\d+$/, '1'), Changes: { GroundTruth: lines('{}') } })))
      .rejects.toBeInstanceOf(ResourceNotFoundException);
    const d = await client.send(new DescribeDatasetCommand({ DatasetArn }));
    expect(d.DatasetDescription?.Status).toBe('CREATE_COMPLETE');
  });

  it('accepts a 5 MB update of ~15,000 lines', async () => {
    const DatasetArn = await dataset();
    const items: string[] = [];
    let size = 0;
    for (let i = 0; size < 5_200_000; i++) {
      const line = classificationLine(`s3://bucket/images/${String(i).padStart(8, '0')}.jpg`, `class-${i % 50}`);
      items.push(line);
      size += line.length + 1;
    }
    const d = await update(DatasetArn, ...items);
    expect(d.Status).toBe('UPDATE_COMPLETE');
    expect(d.DatasetStats).toEqual({ TotalEntries: items.length, LabeledEntries: items.length, TotalLabels: 50, ErrorEntries: 0 });
  });
});
