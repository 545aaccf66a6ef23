import {
  CreateDatasetCommand as CreateAgentCoreDataset, CreateDatasetVersionCommand, DeleteDatasetCommand as DeleteAgentCoreDataset, UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { DeleteDatasetCommand } from '@aws-sdk/client-rekognition';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { allExamples, predefined, predefinedBatch, settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { exportLink, newDataset } from '../../harness/exchange.js';
import { classificationLine } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/** AgentCore rows are collectable this long after they were superseded: max(garbageAfterMs, page token + link lifetimes). */
const PAGE_TOKEN_TTL_MS = 500;
const LINK_TTL_MS = 1500;

/**
 * A download whose source goes while it is read, after its first bytes (200 sent): the transfer
 * must break, never end cleanly with part of the file. The reads are made one row a page (the
 * real store read with a smaller limit) so the deletion lands between two pages, deterministically.
 */
describe.each(BACKENDS)('download links cut short by a deletion while they are read (%s)', (backend) => {
  let server: TestServer;
  let api: TroveApiClient;
  beforeAll(async () => {
    // No image checks: the entries' images are beside the point (and another account's bucket would need its own).
    server = await startServer({
      backend, pageTokenTtlMs: PAGE_TOKEN_TTL_MS, agentcore: { downloadUrlTtlMs: LINK_TTL_MS, garbageAfterMs: 0 }, imageChecks: { enabled: false },
    });
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => server?.close());

  /** Fetches `url`: its status, and whether its body ended cleanly (the text) or broke. */
  async function download(url: string): Promise<{ status: number; body: string | 'broken' }> {
    const response = await fetch(url);
    return { status: response.status, body: await response.text().catch(() => 'broken' as const) };
  }

  it('breaks a Rekognition export when DeleteDataset purges the entries under it (history records not yet purged)', async () => {
    const client = server.rekognition();
    const { store } = server.trove;
    const arn = await newDataset(client, ['a', 'b', 'c'].map((key) => classificationLine(`s3://photos/${key}.png`, 'cat')));
    const datasetId = (await store.rkDatasets.findByArn(arn))!.id;
    const link = await exportLink(api, arn, 'MANIFEST');

    // The delete job is held where its entry purge has ended and its history purge is to start:
    // every entry gone, every history record (what the pages' readability check reads) still there.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let reachedHistory!: () => void;
    const historyPurgeReached = new Promise<void>((resolve) => { reachedHistory = resolve; });
    const history = Object.getPrototypeOf(store.rkHistory) as { purgeDataset(this: unknown, id: number): Promise<number> };
    const purgeHistory = history.purgeDataset;
    vi.spyOn(history, 'purgeDataset').mockImplementation(async function (this: unknown, id: number) {
      if (id === datasetId) {
        reachedHistory();
        await held;
      }
      return purgeHistory.call(this, id);
    });
    const scan = store.rkEntries.scan.bind(store.rkEntries);
    let reads = 0;
    vi.spyOn(store.rkEntries, 'scan').mockImplementation(async (id, revision, afterId) => {
      // After the first page was sent: the dataset is deleted, up to the held step, before the second page is read.
      if (id === datasetId && ++reads === 2) {
        await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
        await historyPurgeReached;
      }
      return scan(id, revision, afterId, 1);
    });
    try {
      expect(await download(link.url)).toEqual({ status: 200, body: 'broken' });
      expect(reads).toBe(2);
    } finally {
      release();
      await server.trove.runner.idle();
    }
    // Once gone, the link answers 404 before any byte.
    expect((await download(link.url)).status).toBe(404);
  });

  it('breaks an AgentCore version download when the version is deleted and its rows collected under it', async () => {
    const agentcore = server.agentcore();
    const { store } = server.trove;
    const { datasetId } = await agentcore.send(new CreateAgentCoreDataset({
      datasetName: `cutshort${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: predefinedBatch(3) } },
    }));
    await acSettled(agentcore, datasetId!);
    await agentcore.send(new CreateDatasetVersionCommand({ datasetId }));
    await acSettled(agentcore, datasetId!);
    // Every example replaced: version 1's rows are seen by version 1 alone, and once the collection
    // horizon passes, deleting version 1 collects them in the same transaction.
    const examples = await allExamples(agentcore, datasetId!);
    await agentcore.send(new UpdateDatasetExamplesCommand({ datasetId, examples: examples.map(({ exampleId }) => ({ exampleId, ...predefined('replaced') })) }));
    await acSettled(agentcore, datasetId!);
    // Version 2 (the replaced examples): version 1 is then not the only one, and may be deleted.
    await agentcore.send(new CreateDatasetVersionCommand({ datasetId }));
    await acSettled(agentcore, datasetId!);
    await new Promise((resolve) => setTimeout(resolve, PAGE_TOKEN_TTL_MS + LINK_TTL_MS + 300));
    const link = await api.call<{ url: string }>('POST', `/_trove/api/agentcore/datasets/${datasetId}/exports`, { body: { format: 'JSONL', datasetVersion: '1' } });

    const page = store.acExamples.page.bind(store.acExamples);
    let reads = 0;
    let deleted: unknown;
    vi.spyOn(store.acExamples, 'page').mockImplementation(async (dataset, revision, after, _rows, bytes) => {
      // After the first page was sent: version 1 is deleted (its job done) before the second page is read.
      if (++reads === 2) {
        await agentcore.send(new DeleteAgentCoreDataset({ datasetId, datasetVersion: '1' })).catch((error: unknown) => { deleted = error; });
        await acSettled(agentcore, datasetId!);
        deleted ??= !(await store.acVersions.find(dataset, 1));
      }
      return page(dataset, revision, after, 1, bytes);
    });
    expect(await download(link.url)).toEqual({ status: 200, body: 'broken' });
    expect([reads, deleted]).toEqual([2, true]);
    vi.restoreAllMocks();
    expect((await download(link.url)).status).toBe(404);
  });

  // Last: from here on the local credential pair no longer works on this server (a credential exists).
  it("never streams another account's dataset that took the deleted dataset's internal id (SQLite reuses ids)", async () => {
    const owner = server.rekognition();
    const { store } = server.trove;
    const arn = await newDataset(owner, ['a', 'b', 'c'].map((key) => classificationLine(`s3://photos/${key}.png`, 'cat')));
    const datasetId = (await store.rkDatasets.findByArn(arn))!.id;
    const link = await exportLink(api, arn, 'MANIFEST');
    const scan = store.rkEntries.scan.bind(store.rkEntries);
    let reads = 0;
    let other: { arn: string; id: number } | undefined;
    vi.spyOn(store.rkEntries, 'scan').mockImplementation(async (id, revision, afterId) => {
      // After the first page was sent: the dataset is deleted to its end, and another account's
      // dataset, at the same revision, is created in its place.
      if (id === datasetId && ++reads === 2) {
        await owner.send(new DeleteDatasetCommand({ DatasetArn: arn }));
        await server.trove.runner.idle();
        const stranger = server.rekognition({ credentials: await server.createCredential({ account: '222222222222' }) });
        const otherArn = await newDataset(stranger, ['a', 'b', 'c'].map((key) => classificationLine(`s3://photos/${key}.png`, 'secret')));
        other = { arn: otherArn, id: (await store.rkDatasets.findByArn(otherArn))!.id };
      }
      return scan(id, revision, afterId, 1);
    });
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    let received = '';
    const broken = await (async () => {
      for await (const chunk of response.body!) received += Buffer.from(chunk).toString('utf8');
    })().then(() => false, () => true);
    // SQLite gave the new dataset the deleted one's id (PostgreSQL never does): the case the ARN check is for.
    if (backend === 'sqlite') expect(other?.id).toBe(datasetId);
    expect(other?.arn).not.toBe(arn);
    expect({ broken, leaked: received.includes('secret') }).toEqual({ broken: true, leaked: false });
  });
});
