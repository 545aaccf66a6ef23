import {
  CreateDatasetCommand, CreateProjectCommand, InvalidPaginationTokenException, InvalidParameterException,
  ListDatasetEntriesCommand, ListDatasetLabelsCommand, paginateListDatasetEntries, ResourceNotReadyException,
  UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { ListDatasetEntriesCommandOutput, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/** 60 entries: i%3==0 cat, i%3==1 dog (box), i%3==2 unlabeled; every 10th has an off-frame box; refs in two folders. */
function fixture(): string[] {
  return Array.from({ length: 60 }, (_, i) => {
    const ref = `s3://bucket/${i < 30 ? 'Alpha' : 'beta'}/img-${String(i).padStart(3, '0')}.jpg`;
    if (i % 10 === 0) return detectionLine(ref, [{ label: 'cat', left: 600, top: 0, width: 100, height: 10 }, { label: 'cat', left: 1, top: 1, width: 10, height: 10 }]);
    if (i % 3 === 0) return classificationLine(ref, 'cat');
    if (i % 3 === 1) return detectionLine(ref, [{ label: 'dog', left: 1, top: 1, width: 40, height: 40 }]);
    return JSON.stringify({ 'source-ref': ref });
  });
}

describe.each(BACKENDS)('Rekognition ListDatasetEntries and ListDatasetLabels (%s)', (backend) => {
  let server: TestServer;
  let client: RekognitionClient;
  let DatasetArn: string;
  const refs = (entries: Record<string, unknown>[]) => entries.map((e) => String(e['source-ref']).replace('s3://bucket/', ''));
  const index = (ref: string) => Number(/img-(\d+)/.exec(ref)![1]);

  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'listing' }));
    DatasetArn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    await settled(client, DatasetArn);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...fixture()) } }));
    await settled(client, DatasetArn);
  });
  afterAll(async () => server?.close());

  it('lists everything in pages of MaxResults (default 100), the last page without NextToken', async () => {
    const all = await client.send(new ListDatasetEntriesCommand({ DatasetArn }));
    expect(all.DatasetEntries).toHaveLength(60);
    expect(all.NextToken).toBeUndefined();
    const pages: number[] = [];
    // AWS's samples start with NextToken: "".
    let NextToken: string | undefined = '';
    const seen: string[] = [];
    do {
      const page: ListDatasetEntriesCommandOutput = await client.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 25, NextToken }));
      pages.push(page.DatasetEntries!.length);
      seen.push(...page.DatasetEntries!.map((line) => JSON.parse(line)['source-ref']));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pages).toEqual([25, 25, 10]);
    expect(new Set(seen).size).toBe(60);
    // The SDK paginator works too.
    let count = 0;
    for await (const page of paginateListDatasetEntries({ client, pageSize: 7 }, { DatasetArn })) count += page.DatasetEntries!.length;
    expect(count).toBe(60);
  });

  it('filters by label (any of), labeled, errors and source-ref substring, alone and combined', async () => {
    const cat = refs(await allEntries(client, { DatasetArn, ContainsLabels: ['cat'] })).map(index);
    expect(cat).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 0 || i % 10 === 0));
    const catOrDog = refs(await allEntries(client, { DatasetArn, ContainsLabels: ['dog', 'cat', 'nope'], MaxResults: 4 })).map(index);
    expect(catOrDog).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 !== 2 || i % 10 === 0));
    const unlabeled = refs(await allEntries(client, { DatasetArn, Labeled: false })).map(index);
    expect(unlabeled).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 2 && i % 10 !== 0));
    expect(await allEntries(client, { DatasetArn, Labeled: true })).toHaveLength(60 - unlabeled.length);
    const errors = refs(await allEntries(client, { DatasetArn, HasErrors: true })).map(index);
    expect(errors).toEqual([0, 10, 20, 30, 40, 50]);
    // HasErrors=false is no filter (the guide's listing program sends it for "not errors only").
    expect(await allEntries(client, { DatasetArn, HasErrors: false })).toHaveLength(60);
    expect(refs(await allEntries(client, { DatasetArn, SourceRefContains: 'Alpha/' }))).toHaveLength(30);
    // Substring matching is case-sensitive, like S3 keys, and works for 1- and 2-character strings too.
    expect(await allEntries(client, { DatasetArn, SourceRefContains: 'alpha/' })).toHaveLength(0);
    expect(refs(await allEntries(client, { DatasetArn, SourceRefContains: '7.' })).map(index)).toEqual([7, 17, 27, 37, 47, 57]);
    expect(refs(await allEntries(client, { DatasetArn, SourceRefContains: 'img-05' })).map(index)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    const combined = refs(await allEntries(client, { DatasetArn, ContainsLabels: ['cat'], HasErrors: true, SourceRefContains: 'beta', MaxResults: 1 })).map(index);
    expect(combined).toEqual([30, 40, 50]);
    expect(await allEntries(client, { DatasetArn, Labeled: false, HasErrors: true })).toEqual([]);
  });

  it('rejects bad tokens, tokens of other listings and out-of-range page sizes', async () => {
    const first = await client.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5 }));
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, NextToken: 'nope' }))).rejects.toBeInstanceOf(InvalidPaginationTokenException);
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, NextToken: first.NextToken, HasErrors: true })))
      .rejects.toBeInstanceOf(InvalidPaginationTokenException);
    await expect(client.send(new ListDatasetLabelsCommand({ DatasetArn, NextToken: first.NextToken }))).rejects.toBeInstanceOf(InvalidPaginationTokenException);
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, NextToken: 'x'.repeat(1025) }))).rejects.toBeInstanceOf(InvalidParameterException);
    for (const MaxResults of [0, 101, -1]) {
      await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults }))).rejects.toBeInstanceOf(InvalidParameterException);
    }
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, ContainsLabels: [] }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, ContainsLabels: Array.from({ length: 11 }, (_, i) => `l${i}`) })))
      .rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, SourceRefContains: '   ' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('reads every page of one listing at the revision of its first page, while updates run', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'pinned' }));
    const arn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    await settled(client, arn);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(...Array.from({ length: 50 }, (_, i) => classificationLine(`s3://bucket/p/${i}.jpg`, 'v1'))) } }));
    await settled(client, arn);
    const seen: Record<string, unknown>[] = [];
    let page = await client.send(new ListDatasetEntriesCommand({ DatasetArn: arn, MaxResults: 10 }));
    for (let round = 0; page; round++) {
      seen.push(...page.DatasetEntries!.map((line) => JSON.parse(line)));
      if (!page.NextToken) break;
      // Between pages: replace every entry (moving it to the end of the order), and add new ones.
      await client.send(new UpdateDatasetEntriesCommand({
        DatasetArn: arn,
        Changes: { GroundTruth: lines(...Array.from({ length: 50 }, (_, i) => classificationLine(`s3://bucket/p/${i}.jpg`, `v${round + 2}`)), classificationLine(`s3://bucket/new/${round}.jpg`, 'new')) },
      }));
      await settled(client, arn);
      page = await client.send(new ListDatasetEntriesCommand({ DatasetArn: arn, MaxResults: 10, NextToken: page.NextToken }));
    }
    expect(seen).toHaveLength(50);
    expect(new Set(seen.map((e) => e['source-ref'])).size).toBe(50);
    expect(seen.every((e) => 'v1' in e)).toBe(true);
    // A new listing sees the latest revision.
    const latest = await allEntries(client, { DatasetArn: arn });
    // 5 pages of 10, so 4 updates happened in between: 4 new entries, and every old one is now at v5.
    expect(latest).toHaveLength(54);
    expect(latest.filter((e) => 'v5' in e)).toHaveLength(50);
  });

  it('lists labels with their counts in name order, page by page', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'labels' }));
    const arn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
    await settled(client, arn);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(
      ...Array.from({ length: 12 }, (_, i) => classificationLine(`s3://bucket/l/${i}.jpg`, `label-${String(i % 6).padStart(2, '0')}`)),
      detectionLine('s3://bucket/l/box.jpg', [{ label: 'label-00', left: 1, top: 1, width: 9, height: 9 }, { label: 'label-00', left: 20, top: 20, width: 9, height: 9 }]),
    ) } }));
    await settled(client, arn);
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListDatasetLabelsCommand({ DatasetArn: arn, MaxResults: 4, NextToken }));
      for (const d of page.DatasetLabelDescriptions!) names.push(`${d.LabelName}:${d.LabelStats?.EntryCount}:${d.LabelStats?.BoundingBoxCount ?? 0}`);
      NextToken = page.NextToken;
    } while (NextToken);
    // BoundingBoxCount counts images with the label on a box (AWS's definition), not boxes.
    expect(names).toEqual(['label-00:3:1', 'label-01:2:0', 'label-02:2:0', 'label-03:2:0', 'label-04:2:0', 'label-05:2:0']);
  });

  it('answers ResourceNotReadyException while a dataset is still being created', async () => {
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'not-ready' }));
    server.trove.runner.pause();
    try {
      const arn = (await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).DatasetArn!;
      await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn: arn }))).rejects.toBeInstanceOf(ResourceNotReadyException);
      await expect(client.send(new ListDatasetLabelsCommand({ DatasetArn: arn }))).rejects.toBeInstanceOf(ResourceNotReadyException);
    } finally {
      server.trove.runner.resume();
    }
  });
});
