import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand, ListDatasetExamplesCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('agentcore datasets: garbage collection of superseded examples (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, pageTokenTtlMs: 1500, agentcore: { downloadUrlTtlMs: 100, garbageAfterMs: 0 } });
  });
  afterAll(async () => server?.close());

  const rowsOf = async (exampleId: string) =>
    (await rawSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM ac_examples WHERE example_id = ?', [exampleId])).rows[0].n;

  it('removes rows no version, page token or link can read, and keeps those a published version or live token needs', async () => {
    const client = server.agentcore();
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'gc', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: predefinedBatch(3) } },
    }));
    await settled(client, datasetId!);
    const [target, other] = await allExamples(client, datasetId!);
    const id = target.exampleId as string;
    const update = async (tag: string, exampleId = id) => {
      await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId, ...predefined(tag) }] }));
      await settled(client, datasetId!);
    };
    await update('r1');
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId!);
    // A listing pinned to the DRAFT as it is now (r1), then two more replacements.
    const pinned = await client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 1 }));
    await update('r2');
    await update('r3');
    // Original, r1 (version 1 and the token), r2, r3: nothing collectable yet (the token is live).
    expect(await rowsOf(id)).toBe(4);
    const page2 = await client.send(new ListDatasetExamplesCommand({ datasetId, nextToken: pinned.nextToken, maxResults: 1 }));
    expect(page2.examples).toEqual([other]);

    await new Promise((resolve) => setTimeout(resolve, 1700));
    await update('other', other.exampleId as string);
    // The original (superseded before version 1) and r2 are gone; r1 stays for version 1, r3 is the DRAFT.
    expect(await rowsOf(id)).toBe(2);
    expect((await allExamples(client, datasetId!, '1'))[0]).toEqual({ exampleId: id, ...predefined('r1') });
    expect((await allExamples(client, datasetId!))[0]).toEqual({ exampleId: id, ...predefined('r3') });

    // Once version 1 is deleted (version 2 sees r3), nothing reads r1 any more.
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId!);
    await client.send(new DeleteDatasetCommand({ datasetId, datasetVersion: '1' }));
    await settled(client, datasetId!);
    expect(await rowsOf(id)).toBe(1);
    expect((await allExamples(client, datasetId!, '2'))[0]).toEqual({ exampleId: id, ...predefined('r3') });
  });

  it('examines the rows a published version keeps once: the next collection resumes after them, not from the start', async () => {
    const client = server.agentcore();
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'gckept', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: predefinedBatch(4) } },
    }));
    await settled(client, datasetId!);
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId!);
    // Every example replaced: the originals are superseded, and version 1 keeps them.
    const examples = await allExamples(client, datasetId!);
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: examples.map(({ exampleId }) => ({ exampleId, ...predefined('new') })) }));
    await settled(client, datasetId!);
    const superseded = async () => (await rawSql<{ id: number; deleted_rev: number }>(server,
      `SELECT e.id, e.deleted_rev FROM ac_examples e JOIN ac_datasets d ON d.id = e.dataset_id
       WHERE d.dataset_id = ? AND e.deleted_rev IS NOT NULL ORDER BY e.deleted_rev, e.id`, [datasetId!])).rows
      .map((row) => ({ id: Number(row.id), rev: Number(row.deleted_rev) }));
    const cursor = async () => {
      const [row] = (await rawSql<{ gc_rev: number; gc_id: number }>(server, 'SELECT gc_rev, gc_id FROM ac_datasets WHERE dataset_id = ?', [datasetId!])).rows;
      return { id: Number(row.gc_id), rev: Number(row.gc_rev) };
    };
    const kept = await superseded();
    expect(kept.length).toBe(4);

    // Past the horizon, a write's collection examines them: all kept, and passed.
    await new Promise((resolve) => setTimeout(resolve, 1700));
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('added')]) }));
    await settled(client, datasetId!);
    expect(await superseded()).toEqual(kept);
    expect(await cursor()).toEqual(kept.at(-1));
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('added again')]) }));
    await settled(client, datasetId!);
    expect(await cursor()).toEqual(kept.at(-1));
    expect((await allExamples(client, datasetId!, '1')).length).toBe(4);
  });
});
