import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand, GetDatasetCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, predefined, predefinedBatch, inline, settled } from '../../harness/agentcore.js';
import type { Example } from '../../harness/agentcore.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

async function download(url: string): Promise<{ status: number; type: string | null; lines: Example[] }> {
  // A plain GET with no AWS credentials, as the AgentCore SDK and CLI fetch it.
  const response = await fetch(url);
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    lines: response.status === 200 ? text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Example) : [],
  };
}

describe.each(BACKENDS)('agentcore datasets: download links (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend, agentcore: { downloadUrlTtlMs: 4000 } });
  });
  afterAll(async () => server?.close());

  it('streams the version GetDataset described as JSONL, fixed at that moment, and refuses altered or expired links', async () => {
    const client = server.agentcore();
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'dl', schemaType: PREDEFINED, source: inline(predefinedBatch(1000)) }));
    await settled(client, datasetId!);
    for (const prefix of ['more', 'most']) {
      await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(prefix === 'more' ? 1000 : 500, prefix)) }));
      await settled(client, datasetId!);
    }
    const draft = await settled(client, datasetId!);
    const before = Date.now() / 1000;
    const link = draft.downloadUrl!;
    expect(draft.downloadUrlExpiresAt!.getTime() / 1000).toBeGreaterThan(before);
    expect(draft.downloadUrlExpiresAt!.getTime() / 1000).toBeLessThanOrEqual(before + 4.1);

    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId!);
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('later')]) }));
    await settled(client, datasetId!);

    const file = await download(link);
    expect(file.status).toBe(200);
    expect(file.type).toMatch(/^application\/jsonl/);
    expect(file.lines).toHaveLength(2500);
    expect(file.lines).toEqual((await allExamples(client, datasetId!, '1')));
    expect(Object.keys(file.lines[0])[0]).toBe('exampleId');

    const v1 = await client.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }));
    expect((await download(v1.downloadUrl!)).lines).toHaveLength(2500);
    const current = await client.send(new GetDatasetCommand({ datasetId }));
    expect((await download(current.downloadUrl!)).lines.at(-1)?.scenario_id).toBe('later');

    const token = current.downloadUrl!.split('/_trove/downloads/')[1].split('/')[0];
    const altered = current.downloadUrl!.replace(token, `${token.slice(0, 5)}${token[5] === 'a' ? 'b' : 'a'}${token.slice(6)}`);
    expect((await download(altered)).status).toBe(403);
    expect((await download(`${server.url}/_trove/downloads/garbage/dataset.jsonl`)).status).toBe(403);
    await eventually(async () => ((await download(link)).status === 403 ? true : undefined), 5000, 'the link to expire');

    const fresh = await client.send(new GetDatasetCommand({ datasetId }));
    await client.send(new DeleteDatasetCommand({ datasetId }));
    await server.trove.runner.idle();
    expect((await download(fresh.downloadUrl!)).status).toBe(404);
  });

  it('answers 404 NoSuchKey when the dataset goes between opening the link and its first read, never a short file', async () => {
    const client = server.agentcore();
    const { acExamples } = server.trove.store;
    const page = acExamples.page.bind(acExamples);
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: 'dl_gone', schemaType: PREDEFINED, source: inline(predefinedBatch(10)) }));
    const { downloadUrl } = await settled(client, datasetId!);
    // The link's checks pass, then the dataset goes and its examples are purged just before the
    // first page is read: nothing has been sent, so this is a 404 (it was a 200 with an empty file).
    vi.spyOn(acExamples, 'page').mockImplementationOnce(async (...args) => {
      await client.send(new DeleteDatasetCommand({ datasetId }));
      await server.trove.runner.idle();
      return page(...args);
    });
    const response = await fetch(downloadUrl!);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NoSuchKey' });

    // Gone after the first page was sent: a broken transfer (it was the first 1,000 lines as if whole).
    const { datasetId: longer } = await client.send(new CreateDatasetCommand({ datasetName: 'dl_gone_later', schemaType: PREDEFINED, source: inline(predefinedBatch(1000)) }));
    await settled(client, longer!);
    await client.send(new AddDatasetExamplesCommand({ datasetId: longer, source: inline(predefinedBatch(200, 'more')) }));
    const { downloadUrl: later } = await settled(client, longer!);
    vi.spyOn(acExamples, 'page').mockImplementationOnce(page).mockImplementationOnce(async (...args) => {
      await client.send(new DeleteDatasetCommand({ datasetId: longer }));
      await server.trove.runner.idle();
      return page(...args);
    });
    const cut = await fetch(later!);
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
  });
});
