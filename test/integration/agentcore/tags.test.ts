import {
  CreateDatasetCommand, CreateDatasetVersionCommand, GetDatasetCommand, ListTagsForResourceCommand, ResourceNotFoundException,
  ServiceQuotaExceededException, TagResourceCommand, UntagResourceCommand, ValidationException,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { inline, predefinedBatch, settled } from '../../harness/agentcore.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { sdkFailure } from '../../harness/sdk-failure.js';


describe.each(BACKENDS)('agentcore tags: TagResource, UntagResource, ListTagsForResource (%s)', (backend) => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  let datasetId: string;
  let datasetArn: string;
  const tagsOf = async () => (await client.send(new ListTagsForResourceCommand({ resourceArn: datasetArn }))).tags;

  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.agentcore({ maxAttempts: 1 });
    const created = await client.send(new CreateDatasetCommand({
      datasetName: 'tagged', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: inline(predefinedBatch(2)), tags: { team: 'qa' },
    }));
    ({ datasetId, datasetArn } = created as { datasetId: string; datasetArn: string });
    await settled(client, datasetId);
  });
  afterAll(async () => server?.close());

  it('lists the tags given at creation, adds and replaces by key, removes by key; GetDataset shows the same', async () => {
    expect(await tagsOf()).toEqual({ team: 'qa' });
    const before = await client.send(new GetDatasetCommand({ datasetId }));

    const tagged = await client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: { team: 'ml', 'cost-center': '42', empty: '' } }));
    expect(tagged.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOf()).toEqual({ team: 'ml', 'cost-center': '42', empty: '' });

    const untagged = await client.send(new UntagResourceCommand({ resourceArn: datasetArn, tagKeys: ['team', 'empty', 'not-there'] }));
    expect(untagged.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOf()).toEqual({ 'cost-center': '42' });

    // Tags belong to the dataset, not to the DRAFT: no edit, no new updatedAt, no MODIFIED draft.
    const after = await client.send(new GetDatasetCommand({ datasetId }));
    expect(after).toMatchObject({ tags: { 'cost-center': '42' }, updatedAt: before.updatedAt, draftStatus: before.draftStatus });

    await client.send(new UntagResourceCommand({ resourceArn: datasetArn, tagKeys: ['cost-center'] }));
    expect(await tagsOf()).toEqual({});
  });

  it('shows the dataset\'s tags on every version, also ones published before the tags changed', async () => {
    await client.send(new CreateDatasetVersionCommand({ datasetId }));
    await settled(client, datasetId);
    await client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: { stage: 'publishing' } }));
    expect((await client.send(new GetDatasetCommand({ datasetId, datasetVersion: '1' }))).tags).toEqual({ stage: 'publishing' });
    await client.send(new UntagResourceCommand({ resourceArn: datasetArn, tagKeys: ['stage'] }));
  });

  it('refuses more than 50 tags on a dataset with ServiceQuotaExceededException, changing nothing', async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: fifty }));
    const over = await sdkFailure(client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: { one: 'more' } })));
    expect(over.error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(over.status).toBe(402);
    expect(Object.keys((await tagsOf())!)).toHaveLength(50);
    // Replacing the value of a key already there is not one more.
    await client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: { k0: 'changed' } }));
    expect((await tagsOf())!.k0).toBe('changed');
    await client.send(new UntagResourceCommand({ resourceArn: datasetArn, tagKeys: Object.keys(fifty) }));
    expect(await tagsOf()).toEqual({});
  });

  it('answers ResourceNotFoundException for unknown datasets, other resources, accounts and regions', async () => {
    const arns = [
      datasetArn.replace(datasetId, 'tagged-XXXXXXXXXX'),
      datasetArn.replace(':dataset/', ':evaluator/'),
      datasetArn.replace(':000000000000:', ':111111111111:'),
      datasetArn.replace(':us-east-1:', ':eu-west-1:'),
      `${datasetArn}/version/1`,
    ];
    for (const resourceArn of arns) {
      // Each call gets its handler as it starts, so none rejects unobserved while another is awaited.
      const calls = [
        sdkFailure(client.send(new ListTagsForResourceCommand({ resourceArn }))),
        sdkFailure(client.send(new TagResourceCommand({ resourceArn, tags: { a: 'b' } }))),
        sdkFailure(client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] }))),
      ];
      for (const pending of calls) {
        const { error, status } = await pending;
        expect({ resourceArn, name: (error as Error).name, status }).toEqual({ resourceArn, name: ResourceNotFoundException.name, status: 404 });
      }
    }
  });

  it('validates ARNs, tag keys and values, and the number of tags in one call', async () => {
    const bad = [
      client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:s3:::a-bucket-of-mine' })),
      client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: { 'bad|key': 'v' } })),
      client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: { k: 'x'.repeat(257) } })),
      client.send(new TagResourceCommand({ resourceArn: datasetArn, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })),
      client.send(new UntagResourceCommand({ resourceArn: datasetArn, tagKeys: ['x'.repeat(129)] })),
    ].map(sdkFailure);
    for (const pending of bad) {
      const { error, status } = await pending;
      expect(error).toBeInstanceOf(ValidationException);
      expect(status).toBe(400);
    }
    expect(await tagsOf()).toEqual({});
  });
});
