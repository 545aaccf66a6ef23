import {
  CreateDatasetCommand, CreateProjectCommand, InvalidPaginationTokenException, ListDatasetEntriesCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allEntries, classificationLine, lines, settled } from '../../harness/rekognition.js';
import { MovableClock, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/** Page token lifetime; the server's clock is moved past it, so the machine's load cannot expire tokens early. */
const TTL = 60_000;

describe.each(BACKENDS)('garbage collection of superseded entry versions (%s)', (backend) => {
  let server: TestServer;
  const clock = new MovableClock();
  beforeAll(async () => {
    server = await startServer({ backend, clock, pageTokenTtlMs: TTL, maintenanceIntervalMs: 3_600_000 });
  });
  afterAll(async () => server?.close());

  it('keeps versions a live token may need, drops them once every such token has expired', async () => {
    const client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'gc' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    const put = async (version: string, count: number) => {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...Array.from({ length: count }, (_, i) => classificationLine(`s3://bucket/gc/${i}.jpg`, version))) } }));
      await settled(client, DatasetArn!);
    };
    await put('v1', 20);
    await put('v2', 10);
    const early = await client.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5 }));
    await put('v3', 10);
    // Everything is younger than the token lifetime: nothing may go yet, and the old listing goes on.
    expect(await server.trove.maintenance.sweep()).toBe(0);
    const next = await client.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5, NextToken: early.NextToken }));
    expect(next.DatasetEntries!.map((line) => Object.keys(JSON.parse(line))[1])).toEqual(['v1', 'v1', 'v1', 'v1', 'v1']);

    clock.advance(TTL + 50);
    // 10 versions superseded by v2 and 10 by v3.
    expect(await server.trove.maintenance.sweep()).toBe(20);
    expect(await server.trove.maintenance.sweep()).toBe(0);
    await expect(client.send(new ListDatasetEntriesCommand({ DatasetArn, MaxResults: 5, NextToken: next.NextToken })))
      .rejects.toBeInstanceOf(InvalidPaginationTokenException);
    const entries = await allEntries(client, { DatasetArn, MaxResults: 3 });
    expect(entries.map((e) => Object.keys(e)[1]).sort()).toEqual([...Array(10).fill('v1'), ...Array(10).fill('v3')]);
    expect(await allEntries(client, { DatasetArn, SourceRefContains: 'gc/1' })).toHaveLength(11);
  });
});
