import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetExamplesCommand, ListDatasetExamplesCommand,
  ListDatasetsCommand, ListDatasetVersionsCommand, paginateListDatasetExamples, UpdateDatasetExamplesCommand, ValidationException,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, predefined, predefinedBatch, inline, settled } from '../../harness/agentcore.js';
import type { Example } from '../../harness/agentcore.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

describe.each(BACKENDS)('agentcore datasets: pinned pagination (%s)', (backend) => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  let datasetId: string;
  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.agentcore();
    datasetId = (await client.send(new CreateDatasetCommand({ datasetName: 'paged', schemaType: PREDEFINED, source: inline(predefinedBatch(1000, 'a')) }))).datasetId!;
    await settled(client, datasetId);
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline(predefinedBatch(200, 'b')) }));
    await settled(client, datasetId);
  });
  afterAll(async () => server?.close());

  it('defaults to pages of 1000', async () => {
    const first = await client.send(new ListDatasetExamplesCommand({ datasetId }));
    expect(first.examples).toHaveLength(1000);
    expect(first.datasetVersion).toBe('DRAFT');
    const second = await client.send(new ListDatasetExamplesCommand({ datasetId, nextToken: first.nextToken }));
    expect(second.examples).toHaveLength(200);
    expect(second.nextToken).toBeUndefined();
  });

  it('never adds, drops or repeats an example while another client adds, updates and deletes between pages', async () => {
    const before = await allExamples(client, datasetId);
    const other = server.agentcore();
    const seen: Example[] = [];
    let nextToken: string | undefined;
    let page = 0;
    do {
      const result = await client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 150, nextToken }));
      seen.push(...(result.examples as Example[]));
      nextToken = result.nextToken;
      // Between pages another client changes examples already listed and not yet listed.
      if (nextToken) {
        const ahead = before[Math.min(before.length - 1, (page + 1) * 150 + 7)];
        const behind = before[page * 150 + 3];
        const mutation = page % 3 === 0
          ? new AddDatasetExamplesCommand({ datasetId, source: inline([predefined(`new${page}`)]) })
          : page % 3 === 1
            ? new UpdateDatasetExamplesCommand({ datasetId, examples: [{ ...predefined(`changed${page}`), exampleId: ahead.exampleId }] })
            : new DeleteDatasetExamplesCommand({ datasetId, exampleIds: [ahead.exampleId as string, behind.exampleId as string] });
        await other.send(mutation as never);
        await settled(other, datasetId);
      }
      page++;
    } while (nextToken);
    expect(page).toBe(8);
    expect(seen).toEqual(before);
    const after = await allExamples(client, datasetId);
    expect(after).not.toEqual(before);
    expect(new Set(after.map((e) => e.exampleId)).size).toBe(after.length);
  });

  it('pins later pages to the first page\'s version whatever datasetVersion they carry', async () => {
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    const published = await settled(client, datasetId);
    const v1 = await allExamples(client, datasetId, '1');
    expect(v1).toHaveLength(published.exampleCount!);
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([predefined('after-v1')]) }));
    await settled(client, datasetId);

    // The SDK paginator re-sends datasetVersion with every token (facts §1).
    const pages: Example[] = [];
    for await (const page of paginateListDatasetExamples({ client, pageSize: 400 }, { datasetId, datasetVersion: '1' })) {
      expect(page.datasetVersion).toBe('1');
      pages.push(...(page.examples as Example[]));
    }
    expect(pages).toEqual(v1);
    const first = await client.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: '1', maxResults: 10 }));
    const second = await client.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: 'DRAFT', maxResults: 10, nextToken: first.nextToken }));
    expect(second.datasetVersion).toBe('1');
    expect(second.examples).toEqual(v1.slice(10, 20));
    const draft = await allExamples(client, datasetId, 'DRAFT');
    expect(draft.at(-1)?.scenario_id).toBe('after-v1');
    expect(draft.length).toBe(v1.length + 1);
  });

  it('refuses malformed, altered and foreign tokens with ValidationException', async () => {
    const first = await client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 5 }));
    const token = first.nextToken!;
    const altered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const otherId = (await client.send(new CreateDatasetCommand({ datasetName: 'other', schemaType: PREDEFINED, source: inline(predefinedBatch(3)) }))).datasetId!;
    for (const [id, nextToken] of [[datasetId, 'garbage'], [datasetId, altered], [otherId, token], [datasetId, 'x'.repeat(2049)]]) {
      await expect(client.send(new ListDatasetExamplesCommand({ datasetId: id, nextToken }))).rejects.toBeInstanceOf(ValidationException);
    }
    await expect(client.send(new ListDatasetsCommand({ nextToken: 'garbage' }))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(new ListDatasetVersionsCommand({ datasetId, nextToken: token }))).rejects.toBeInstanceOf(ValidationException);
  });

  it('pages datasets and versions (newest first)', async () => {
    for (let i = 0; i < 2; i++) {
      await client.send(new CreateDatasetVersionCommand({ datasetId }));
      await settled(client, datasetId);
    }
    const first = await client.send(new ListDatasetVersionsCommand({ datasetId, maxResults: 2 }));
    expect(first.versions?.map((v) => v.datasetVersion)).toEqual(['3', '2']);
    const second = await client.send(new ListDatasetVersionsCommand({ datasetId, maxResults: 2, nextToken: first.nextToken }));
    expect(second.versions?.map((v) => v.datasetVersion)).toEqual(['1']);
    expect(second.nextToken).toBeUndefined();
    const datasets = await client.send(new ListDatasetsCommand({ maxResults: 1 }));
    expect(datasets.datasets?.map((d) => d.datasetName)).toEqual(['paged']);
    const rest = await client.send(new ListDatasetsCommand({ maxResults: 1, nextToken: datasets.nextToken }));
    expect(rest.datasets?.map((d) => d.datasetName)).toEqual(['other']);
    expect(rest.nextToken).toBeUndefined();
  });
});

describe.each(BACKENDS)('agentcore datasets: the 5 MB response cap (%s)', (backend) => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it('ends a page early rather than send more than 5 MB, and the next page goes on', async () => {
    server = await startServer({ backend });
    const client = server.agentcore();
    const big = (i: number) => ({ ...predefined(`big${i}`), metadata: { pad: 'x'.repeat(900_000) } });
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'large', schemaType: PREDEFINED, source: inline([big(0), big(1), big(2), big(3)]),
    }));
    await settled(client, datasetId!);
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: inline([big(4), big(5), big(6)]) }));
    await settled(client, datasetId!);
    const first = await client.send(new ListDatasetExamplesCommand({ datasetId }));
    expect(first.examples).toHaveLength(5);
    const second = await client.send(new ListDatasetExamplesCommand({ datasetId, nextToken: first.nextToken }));
    expect((second.examples as Example[]).map((e) => e.scenario_id)).toEqual(['big5', 'big6']);
  });
});
