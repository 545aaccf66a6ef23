import {
  AddDatasetExamplesCommand, ConflictException, CreateDatasetCommand, DeleteDatasetCommand, DeleteDatasetExamplesCommand,
  GetDatasetCommand, ListDatasetExamplesCommand, ListDatasetsCommand, ResourceNotFoundException, UpdateDatasetExamplesCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';

/** The ValidationException `send` rejects with. */
async function validationError(promise: Promise<unknown>): Promise<ValidationException> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationException);
  const v = error as ValidationException;
  expect(v.$metadata.httpStatusCode).toBe(400);
  expect(v.message.length).toBeGreaterThan(0);
  return v;
}

describe.each(BACKENDS)('agentcore datasets: every constraint is checked on the server (%s)', (backend) => {
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  let datasetId: string;
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    server = await startServer({ backend });
    client = server.agentcore();
    const created = await client.send(new CreateDatasetCommand({
      datasetName: 'constraints', schemaType: PREDEFINED, source: { inlineExamples: { examples: predefinedBatch(5) } },
    }));
    datasetId = created.datasetId!;
    await settled(client, datasetId);
    // Everything a client can observe of the dataset, to prove a refused batch changed nothing.
    snapshot = async () => {
      const { $metadata: _m, downloadUrl, downloadUrlExpiresAt: _e, ...dataset } = await client.send(new GetDatasetCommand({ datasetId }));
      const file = await (await fetch(downloadUrl!)).text();
      return JSON.stringify({ dataset, examples: await allExamples(client, datasetId, 'DRAFT', 2), file });
    };
  });
  afterAll(async () => server?.close());

  it.each([
    ['x y'], ['1abc'], ['has-hyphen'], ['a'.repeat(49)], [''],
  ])('refuses the dataset name %j', async (datasetName) => {
    const error = await validationError(client.send(new CreateDatasetCommand({
      datasetName, schemaType: PREDEFINED, source: { inlineExamples: { examples: [predefined('a')] } },
    })));
    expect(error.reason).toBe('FieldValidationFailed');
    expect(error.fieldList?.map((f) => f.name)).toEqual(['datasetName']);
  });

  it('refuses an unknown schema type, an empty or oversized batch, a bad union and a short client token', async () => {
    const create = (extra: Record<string, unknown>) => client.send(new CreateDatasetCommand({
      datasetName: 'bad', schemaType: PREDEFINED, source: { inlineExamples: { examples: [predefined('a')] } }, ...extra,
    } as never));
    expect((await validationError(create({ schemaType: 'GENERIC_EVALUATION_PREDEFINED_V1' }))).fieldList?.[0].name).toBe('schemaType');
    expect((await validationError(create({ source: { inlineExamples: { examples: [] } } }))).fieldList?.[0].name).toBe('source.inlineExamples.examples');
    expect((await validationError(create({ source: { inlineExamples: { examples: predefinedBatch(1001) } } }))).fieldList?.[0].name)
      .toBe('source.inlineExamples.examples');
    expect((await validationError(create({ source: {} }))).fieldList?.[0].name).toBe('source');
    expect((await validationError(create({
      source: { inlineExamples: { examples: [predefined('a')] }, s3Source: { s3Uri: 's3://bucket/key.jsonl' } },
    }))).fieldList?.[0].name).toBe('source');
    expect((await validationError(create({ clientToken: 'short' }))).fieldList?.[0].name).toBe('clientToken');
    expect((await validationError(create({ description: 'd'.repeat(201) }))).fieldList?.[0].name).toBe('description');
    expect((await validationError(create({ kmsKeyArn: 'not-an-arn' }))).fieldList?.[0].name).toBe('kmsKeyArn');
    expect((await validationError(create({ tags: { 'bad!key': 'v' } }))).fieldList?.[0].name).toBe('tags.key');
    // s3Source itself is read by a job (test/integration/agentcore/s3-source.test.ts); its URI is checked here.
    const s3 = await validationError(create({ source: { s3Source: { s3Uri: 'https://bucket/data.jsonl' } } }));
    expect(s3.fieldList?.[0].name).toBe('source.s3Source.s3Uri');
    await validationError(client.send(new ListDatasetsCommand({ maxResults: 101 })));
    await validationError(client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 1001 })));
    await validationError(client.send(new ListDatasetExamplesCommand({ datasetId, maxResults: 0 })));
    await validationError(client.send(new GetDatasetCommand({ datasetId, datasetVersion: 'latest' })));
    await validationError(client.send(new GetDatasetCommand({ datasetId: 'bad/id' })));
    await validationError(client.send(new GetDatasetCommand({ datasetId: 'a'.repeat(111) })));
    // The SDK sends an empty label as GET /datasets/ (facts §1).
    await validationError(client.send(new GetDatasetCommand({ datasetId: '' })));
    await validationError(client.send(new DeleteDatasetCommand({ datasetId, datasetVersion: 'DRAFT' })));
    expect((await client.send(new ListDatasetsCommand({}))).datasets?.map((d) => d.datasetName)).toEqual(['constraints']);
  });

  it('refuses a whole batch when one example breaks its schema, naming the example and the member', async () => {
    const before = await snapshot();
    const examples = predefinedBatch(5, 'new');
    examples[3] = { scenario_id: 'bad', turns: [{ expected_response: 'no input' }] };
    const add = await validationError(client.send(new AddDatasetExamplesCommand({ datasetId, source: { inlineExamples: { examples } } })));
    expect(add.reason).toBe('FieldValidationFailed');
    expect(add.fieldList).toEqual([{ name: 'source.inlineExamples.examples[3].turns[0].input', message: 'Member must not be null' }]);

    const several = [
      { scenario_id: 's', turns: [] },
      { scenario_id: 's', turns: [{ input: '   ' }] },
      { turns: [{ input: { text: 'hi' } }] },
      'not an object',
      { scenario_id: 7, turns: [{ input: 'q' }], assertions: 'x' },
    ] as never[];
    const many = await validationError(client.send(new AddDatasetExamplesCommand({ datasetId, source: { inlineExamples: { examples: several } } })));
    expect(many.fieldList?.map((f) => f.name)).toEqual([
      'source.inlineExamples.examples[0].turns',
      'source.inlineExamples.examples[1].turns[0].input',
      'source.inlineExamples.examples[2].scenario_id',
      'source.inlineExamples.examples[3]',
      'source.inlineExamples.examples[4].scenario_id',
      'source.inlineExamples.examples[4].assertions',
    ]);
    expect(many.message).toMatch(/^6 validation errors detected/);

    const current = await allExamples(client, datasetId);
    const update = await validationError(client.send(new UpdateDatasetExamplesCommand({
      datasetId, examples: [{ exampleId: current[0].exampleId, ...predefined('ok') }, { exampleId: current[1].exampleId, scenario_id: 'x', turns: [{}] }] as never[],
    })));
    expect(update.fieldList).toEqual([{ name: 'examples[1].turns[0].input', message: 'Member must not be null' }]);
    const noId = await validationError(client.send(new UpdateDatasetExamplesCommand({ datasetId, examples: [predefined('no-id')] })));
    expect(noId.fieldList).toEqual([{ name: 'examples[0].exampleId', message: 'Member must not be null' }]);
    expect(await snapshot()).toBe(before);
  });

  it('fails a whole update or delete batch with ResourceNotFoundException when one id is unknown', async () => {
    const before = await snapshot();
    const current = await allExamples(client, datasetId);
    const update = client.send(new UpdateDatasetExamplesCommand({
      datasetId, examples: [{ exampleId: current[0].exampleId, ...predefined('changed') }, { exampleId: 'no-such-example', ...predefined('x') }],
    }));
    await expect(update).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(update).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 }, message: expect.stringContaining('no-such-example') });
    const remove = client.send(new DeleteDatasetExamplesCommand({ datasetId, exampleIds: [current[0].exampleId as string, 'missing'] }));
    await expect(remove).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await snapshot()).toBe(before);
  });

  it('uses a client-supplied string exampleId, refusing bad, repeated and existing ones', async () => {
    const examples = (ids: unknown[]) => ({ datasetId, source: { inlineExamples: { examples: ids.map((exampleId, i) => ({ exampleId, ...predefined(`c${i}`) })) as never[] } } });
    expect((await validationError(client.send(new AddDatasetExamplesCommand(examples([42]))))).fieldList?.[0])
      .toEqual({ name: 'source.inlineExamples.examples[0].exampleId', message: 'Member must be of type string' });
    expect((await validationError(client.send(new AddDatasetExamplesCommand(examples(['has space']))))).fieldList?.[0].name)
      .toBe('source.inlineExamples.examples[0].exampleId');
    expect((await validationError(client.send(new AddDatasetExamplesCommand(examples(['dup', 'dup']))))).fieldList?.[0].name)
      .toBe('source.inlineExamples.examples[1].exampleId');
    const added = await client.send(new AddDatasetExamplesCommand(examples(['mine-1', 'mine:2'])));
    expect(added.exampleIds).toEqual(['mine-1', 'mine:2']);
    await settled(client, datasetId);
    const listed = await allExamples(client, datasetId);
    expect(listed.slice(-2)).toEqual([{ exampleId: 'mine-1', ...predefined('c0') }, { exampleId: 'mine:2', ...predefined('c1') }]);
    const again = await validationError(client.send(new AddDatasetExamplesCommand(examples(['new-one', 'mine-1']))));
    expect(again.fieldList?.[0].name).toBe('source.inlineExamples.examples[1].exampleId');
  });

  it('answers a duplicate name (any case) with ConflictException', async () => {
    const error = await client.send(new CreateDatasetCommand({
      datasetName: 'CONSTRAINTS', schemaType: PREDEFINED, source: { inlineExamples: { examples: [predefined('a')] } },
    })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictException);
    expect((error as ConflictException).$metadata.httpStatusCode).toBe(409);
  });

  it('answers unknown datasets and versions with ResourceNotFoundException', async () => {
    await expect(client.send(new GetDatasetCommand({ datasetId: 'nope-0123456789' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new GetDatasetCommand({ datasetId, datasetVersion: '9' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListDatasetExamplesCommand({ datasetId, datasetVersion: '9' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new DeleteDatasetCommand({ datasetId, datasetVersion: '9' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('checks the simulated and third-party schemas', async () => {
    const simulatedError = await validationError(client.send(new CreateDatasetCommand({
      datasetName: 'sim', schemaType: 'AGENTCORE_EVALUATION_SIMULATED_V1',
      source: { inlineExamples: { examples: [{ scenario_id: 's', actor_profile: { context: 'c' }, input: 'hi', max_turns: 0 }] } },
    })));
    expect(simulatedError.fieldList?.map((f) => f.name)).toEqual([
      'source.inlineExamples.examples[0].actor_profile.goal', 'source.inlineExamples.examples[0].max_turns',
    ]);
    const third = await client.send(new CreateDatasetCommand({
      datasetName: 'third', schemaType: 'THIRD_PARTY_EVALUATION_V1',
      source: { inlineExamples: { examples: [
        { input: 'What is the capital of France?', expected_output: 'Paris', context: ['France\'s capital is Paris.'] },
        { input: [{ role: 'user', content: 'Book a flight' }, { role: 'assistant', content: 'Which date?' }], expected_output: 'Booked.' },
      ] } },
    }));
    expect((await settled(client, third.datasetId!)).exampleCount).toBe(2);
    // A PREDEFINED-shaped example is refused by a third-party dataset (it has no top-level input).
    const shaped = await validationError(client.send(new AddDatasetExamplesCommand({
      datasetId: third.datasetId, source: { inlineExamples: { examples: [predefined('p')] } },
    })));
    expect(shaped.fieldList?.[0].name).toBe('source.inlineExamples.examples[0].input');
  });
});
