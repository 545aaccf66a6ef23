import {
  AddDatasetExamplesCommand, CreateDatasetCommand, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { allExamples, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import type { Example } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/** The collection horizon is the page token lifetime plus the link lifetime (garbageAfterMs 0): 2 seconds. */
const PAGE_TOKEN_TTL_MS = 500;
const LINK_TTL_MS = 1500;
const PAST_HORIZON_MS = PAGE_TOKEN_TTL_MS + LINK_TTL_MS + 300;

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

/**
 * A link to the DRAFT pins the DRAFT's revision; once a download of it runs past the collection
 * horizon while the DRAFT is edited, rows it still has to read may be garbage-collected. The
 * transfer must then break (404 before its first byte), never end cleanly with examples missing.
 * The download reads one row a page (the real store read with a smaller limit), and the edits and
 * the collection land between two pages, deterministically.
 */
describe.each(BACKENDS)('agentcore DRAFT download links whose revision is collected while they are read (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, pageTokenTtlMs: PAGE_TOKEN_TTL_MS, agentcore: { downloadUrlTtlMs: LINK_TTL_MS, garbageAfterMs: 0 } });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => server?.close());

  const rowsOf = async (datasetId: string) => (await rawSql<{ n: number }>(server,
    'SELECT COUNT(*) AS n FROM ac_examples e JOIN ac_datasets d ON d.id = e.dataset_id WHERE d.dataset_id = ?', [datasetId])).rows[0].n;

  /** A DRAFT of three examples, its `downloadUrl` (pinned to its revision then) and its examples. */
  async function draft(name: string): Promise<{ datasetId: string; url: string; examples: Example[] }> {
    const client = server.agentcore();
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: `${name}${backend}`, schemaType: PREDEFINED, source: inline(predefinedBatch(3)) }));
    await settled(client, datasetId!);
    const examples = await allExamples(client, datasetId!);
    const { downloadUrl } = await settled(client, datasetId!);
    return { datasetId: datasetId!, url: downloadUrl!, examples };
  }

  /** Replaces every example of the DRAFT (each row version superseded), then, past the horizon, adds one: its job collects them. */
  async function replaceAndCollect(datasetId: string, examples: readonly Example[]): Promise<void> {
    const client = server.agentcore();
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: examples.map(({ exampleId }) => ({ exampleId, ...predefined('replaced') })) }));
    await settled(client, datasetId);
    await new Promise((resolve) => setTimeout(resolve, PAST_HORIZON_MS));
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('added')]) }));
    await settled(client, datasetId);
  }

  /** Makes the download's `read`-th page read run `between` first; every page reads one row. */
  function beforeRead(read: number, between: () => Promise<void>): { reads: () => number } {
    const { acExamples } = server.trove.store;
    const page = acExamples.page.bind(acExamples);
    let reads = 0;
    vi.spyOn(acExamples, 'page').mockImplementation(async (dataset, revision, after, _rows, bytes) => {
      if (++reads === read) await between();
      return page(dataset, revision, after, 1, bytes);
    });
    return { reads: () => reads };
  }

  it('breaks the transfer when the rows its revision still reads are collected after the first bytes', async () => {
    const { datasetId, url, examples } = await draft('draftcut');
    let rowsLeft: number | undefined;
    const download = beforeRead(2, async () => {
      await replaceAndCollect(datasetId, examples);
      rowsLeft = await rowsOf(datasetId);
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    // It was a clean file of the first example alone.
    await expect(response.text()).rejects.toThrow();
    // Collected: the originals went, the 3 replacements and the added example are left (the second read came back empty).
    expect([download.reads(), rowsLeft]).toEqual([2, 4]);
  });

  it('answers 404 NoSuchKey when they are collected before the first piece is read', async () => {
    const { datasetId, url, examples } = await draft('draftgone');
    let rowsLeft: number | undefined;
    const download = beforeRead(1, async () => {
      await replaceAndCollect(datasetId, examples);
      rowsLeft = await rowsOf(datasetId);
    });
    const response = await fetch(url);
    // It was a 200 with an empty file.
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NoSuchKey' });
    expect([download.reads(), rowsLeft]).toEqual([1, 4]);
  });

  it('stays whole when collection removes only rows superseded at or before its revision', async () => {
    const client = server.agentcore();
    const { datasetId, examples } = await draft('draftwhole');
    // The first example replaced: its original row is superseded at the revision the link then pins.
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [{ exampleId: examples[0].exampleId, ...predefined('replaced') }] }));
    const { downloadUrl } = await settled(client, datasetId);
    const pinned = await allExamples(client, datasetId);
    let rowsLeft: number | undefined;
    const download = beforeRead(2, async () => {
      // Added examples supersede nothing; past the horizon, the second addition's job collects the
      // original row, which the link's revision never read.
      await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('added')]) }));
      await settled(client, datasetId);
      await new Promise((resolve) => setTimeout(resolve, PAST_HORIZON_MS));
      await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('added again')]) }));
      await settled(client, datasetId);
      rowsLeft = await rowsOf(datasetId);
    });
    const response = await fetch(downloadUrl!);
    expect(response.status).toBe(200);
    const lines = (await response.text()).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Example);
    expect(lines).toEqual(pinned);
    // The replaced example's original row was collected: 3 originals and the replacement, less it, and the 2 added.
    expect([download.reads(), rowsLeft]).toEqual([3, 5]);
  });
});
