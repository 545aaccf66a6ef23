import {
  AddDatasetExamplesCommand, CreateDatasetCommand, CreateDatasetVersionCommand, DeleteDatasetCommand, DeleteDatasetExamplesCommand,
  GetDatasetCommand, ListDatasetsCommand, ListDatasetVersionsCommand, ResourceNotFoundException, UpdateDatasetCommand,
  UpdateDatasetExamplesCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, contentOf, predefined, predefinedBatch, settled, simulated } from '../../harness/agentcore.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('agentcore datasets: lifecycle through the official SDK (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  it('creates, reads, edits, publishes and deletes a dataset', async () => {
    const client = server.agentcore();
    const created = await client.send(new CreateDatasetCommand({
      datasetName: 'support_evals', description: 'first', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
      source: { inlineExamples: { examples: predefinedBatch(3) } }, tags: { team: 'qa' },
    }));
    expect(created.$metadata.httpStatusCode).toBe(202);
    expect(created.status).toBe('CREATING');
    expect(created.datasetId).toMatch(/^support_evals-[a-zA-Z0-9]{10}$/);
    expect(created.datasetArn).toBe(`arn:aws:bedrock-agentcore:us-east-1:000000000000:dataset/${created.datasetId}`);
    expect(created.createdAt).toBeInstanceOf(Date);
    const datasetId = created.datasetId!;

    const ready = await settled(client, datasetId);
    expect(ready).toMatchObject({
      status: 'ACTIVE', draftStatus: 'MODIFIED', datasetVersion: 'DRAFT', datasetName: 'support_evals', description: 'first',
      schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', exampleCount: 3, tags: { team: 'qa' },
    });
    expect(ready.failureReason).toBeUndefined();
    expect(ready.downloadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_trove\/downloads\//);

    const listed = await allExamples(client, datasetId);
    expect(listed.map(contentOf)).toEqual(predefinedBatch(3));
    for (const e of listed) expect(e.exampleId).toMatch(/^[0-9a-f-]{36}$/);

    const added = await client.send(new AddDatasetExamplesCommand({
      datasetId, source: { inlineExamples: { examples: [{ ...predefined('x'), metadata: { replaced: 'later' } }, predefined('y')] } },
    }));
    expect(added).toMatchObject({ $metadata: { httpStatusCode: 202 }, status: 'UPDATING', addedCount: 2 });
    expect(added.exampleIds).toHaveLength(2);
    await settled(client, datasetId);
    const afterAdd = await allExamples(client, datasetId);
    expect(afterAdd.slice(3).map((e) => e.exampleId)).toEqual(added.exampleIds);
    expect(afterAdd.slice(3).map((e) => e.scenario_id)).toEqual(['x', 'y']);

    const version1 = await client.send(new CreateDatasetVersionCommand({ datasetId }));
    expect(version1).toMatchObject({ $metadata: { httpStatusCode: 202 }, status: 'UPDATING', datasetVersion: '1' });
    expect((await settled(client, datasetId))).toMatchObject({ status: 'ACTIVE', draftStatus: 'UNMODIFIED', exampleCount: 5 });

    const replaced = await client.send(new UpdateDatasetExamplesCommand({
      datasetId, examples: [{ exampleId: added.exampleIds![0], ...predefined('x2', 'changed') }],
    }));
    expect(replaced).toMatchObject({ $metadata: { httpStatusCode: 202 }, updatedCount: 1, status: 'UPDATING' });
    await settled(client, datasetId);
    const removed = await client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: [listed[0].exampleId as string] }));
    expect(removed).toMatchObject({ deletedCount: 1, status: 'UPDATING' });
    const draft = await settled(client, datasetId);
    expect(draft).toMatchObject({ draftStatus: 'MODIFIED', exampleCount: 4 });
    const draftExamples = await allExamples(client, datasetId);
    expect(draftExamples.map((e) => e.scenario_id)).toEqual(['s1', 's2', 'x2', 'y']);
    // A full replacement: members the new content lacks (metadata) are gone.
    expect(draftExamples[2]).toEqual({ exampleId: added.exampleIds![0], ...predefined('x2', 'changed') });

    // Version 1 still reads exactly what was published.
    const v1 = await client.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }));
    expect(v1).toMatchObject({ datasetVersion: '1', exampleCount: 5 });
    expect((await allExamples(client, datasetId, '1')).map((e) => e.scenario_id)).toEqual(['s0', 's1', 's2', 'x', 'y']);

    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId);
    const versions = await client.send(new ListDatasetVersionsCommand({ datasetId }));
    expect(versions.versions?.map((v) => [v.datasetVersion, v.exampleCount])).toEqual([['2', 4], ['1', 5]]);
    expect(versions.nextToken).toBeUndefined();

    const updated = await client.send(new UpdateDatasetCommand({ datasetId, description: 'second' }));
    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect((await client.send(new GetDatasetCommand({ datasetId }))).description).toBe('second');
    await client.send(new UpdateDatasetCommand({ datasetId }));
    expect((await client.send(new GetDatasetCommand({ datasetId }))).description).toBe('second');

    const deletedVersion = await client.send(new DeleteDatasetCommand({ datasetId, datasetVersion: '1' }));
    expect(deletedVersion).toMatchObject({ $metadata: { httpStatusCode: 202 }, status: 'DELETING', datasetVersion: '1' });
    expect(await settled(client, datasetId)).toMatchObject({ status: 'ACTIVE', draftStatus: 'UNMODIFIED' });
    await expect(client.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }))).rejects.toBeInstanceOf(ResourceNotFoundException);

    const summaries = await client.send(new ListDatasetsCommand({}));
    expect(summaries.datasets?.find((d) => d.datasetId === datasetId)).toMatchObject({ datasetName: 'support_evals', exampleCount: 4, status: 'ACTIVE' });

    const deleted = await client.send(new DeleteDatasetCommand({ datasetId }));
    expect(deleted).toMatchObject({ $metadata: { httpStatusCode: 202 }, status: 'DELETING', datasetVersion: 'DRAFT' });
    await eventually(async () => {
      try {
        await client.send(new GetDatasetCommand({ datasetId }));
        return undefined;
      } catch (error) {
        return error instanceof ResourceNotFoundException ? true : undefined;
      }
    });
    // The name is free again, whatever its case.
    const again = await client.send(new CreateDatasetCommand({
      datasetName: 'SUPPORT_evals', schemaType: 'AGENTCORE_EVALUATION_SIMULATED_V1', source: { inlineExamples: { examples: [simulated('a')] } },
    }));
    expect((await settled(client, again.datasetId!)).exampleCount).toBe(1);
  });

  it('stores examples that are not ASCII exactly as sent (a body is read as Latin-1 only when it is all ASCII)', async () => {
    const client = server.agentcore();
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'not_ascii', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: predefinedBatch(2) } },
    }));
    await settled(client, datasetId!);
    const [first, second] = await allExamples(client, datasetId!);
    // Two-byte (é, ü), three-byte (日本) and four-byte (🎉) characters, in content and in a key.
    const changed = [
      { exampleId: first.exampleId as string, ...predefined('café-1', 'Grüße aus 日本 🎉'), metadata: { 'clé': 'ü' } },
      { exampleId: second.exampleId as string, ...predefined('plain', 'still ascii') },
    ];
    await client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: changed }));
    await settled(client, datasetId!);
    expect(await allExamples(client, datasetId!)).toEqual(changed);
  });
});
