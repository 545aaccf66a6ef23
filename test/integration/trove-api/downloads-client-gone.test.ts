import { CreateDatasetCommand as CreateAgentCoreDataset } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { predefinedBatch, settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { exportLink, newDataset } from '../../harness/exchange.js';
import { classificationLine } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/** Entries (examples) per dataset, read one a page: the first piece of CSV and YOLO needs a pass over all of them. */
const PAGES = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `count()` has not changed for `quietMs`: the reads have stopped (or ended). */
async function settledCount(count: () => number, quietMs = 400): Promise<number> {
  for (let last = -1; last !== count();) {
    last = count();
    await sleep(quietMs);
  }
  return count();
}

/**
 * A client that goes while the first piece of its download is produced (CSV and YOLO read the
 * whole revision before their first byte): the store reads behind it stop at the next page,
 * instead of finishing the pass for nobody. The reads are made one row a page (the real store
 * read with a smaller limit); the first one aborts the client's request and lingers long enough
 * for the server to see the connection close, so every later page read is one the fix must avoid.
 */
describe.each(BACKENDS)('download links whose client goes before the first byte (%s)', (backend) => {
  let server: TestServer;
  let api: TroveApiClient;
  beforeAll(async () => {
    server = await startServer({ backend, imageChecks: { enabled: false } });
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => server?.close());

  /** Starts fetching `url` and aborts it from the first page read (`onRead`, called by the test's wrapper). */
  function abandonedFetch(url: string): { onFirstRead: () => Promise<void>; done: Promise<unknown> } {
    const client = new AbortController();
    const done = fetch(url, { signal: client.signal }).then(() => 'answered', (error: unknown) => error);
    return {
      onFirstRead: async () => {
        client.abort();
        await sleep(150);
      },
      done,
    };
  }

  it('stops reading an AgentCore version for a CSV export whose client went', async () => {
    const agentcore = server.agentcore();
    const { store } = server.trove;
    const { datasetId } = await agentcore.send(new CreateAgentCoreDataset({
      datasetName: `clientgone${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: predefinedBatch(PAGES) } },
    }));
    await acSettled(agentcore, datasetId!);
    const link = await api.call<{ url: string }>('POST', `/_trove/api/agentcore/datasets/${datasetId}/exports`, { body: { format: 'CSV' } });

    const fetching = abandonedFetch(link.url);
    const page = store.acExamples.page.bind(store.acExamples);
    let reads = 0;
    vi.spyOn(store.acExamples, 'page').mockImplementation(async (dataset, revision, after, _rows, bytes) => {
      if (++reads === 1) await fetching.onFirstRead();
      return page(dataset, revision, after, 1, bytes);
    });
    expect(await fetching.done).toMatchObject({ name: 'AbortError' });
    // Without the signal the pass goes on to all PAGES pages (and more) for a client long gone.
    expect(await settledCount(() => reads)).toBe(1);

    // A client that stays still gets the whole file, read page by page as before.
    reads = 0;
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect((await response.text()).trim().split('\r\n')).toHaveLength(PAGES + 1);
    expect(reads).toBe(2 * PAGES);
  });

  it('stops reading a Rekognition revision for a YOLO export whose client went', async () => {
    const client = server.rekognition();
    const { store } = server.trove;
    const arn = await newDataset(client, Array.from({ length: PAGES }, (_, i) => classificationLine(`s3://photos/${i}.png`, 'cat')));
    const datasetId = (await store.rkDatasets.findByArn(arn))!.id;
    const link = await exportLink(api, arn, 'YOLO');

    const fetching = abandonedFetch(link.url);
    const scan = store.rkEntries.scan.bind(store.rkEntries);
    let reads = 0;
    vi.spyOn(store.rkEntries, 'scan').mockImplementation(async (id, revision, afterId) => {
      if (id === datasetId && ++reads === 1) await fetching.onFirstRead();
      return scan(id, revision, afterId, 1);
    });
    expect(await fetching.done).toMatchObject({ name: 'AbortError' });
    expect(await settledCount(() => reads)).toBe(1);

    reads = 0;
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(reads).toBeGreaterThanOrEqual(3 * PAGES);
  });
});
