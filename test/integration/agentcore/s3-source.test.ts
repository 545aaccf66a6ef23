import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddDatasetExamplesCommand, CreateDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { allExamples, contentOf, inline, predefined, predefinedBatch, settled } from '../../harness/agentcore.js';
import type { Example } from '../../harness/agentcore.js';
import { S3RVER_CREDENTIALS, startS3 } from '../../harness/s3.js';
import type { TestS3 } from '../../harness/s3.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// AgentCore s3Source (CreateDataset, AddDatasetExamples) read from a real S3-compatible server
// (s3rver) through the official AgentCore Control SDK against a real Trove.

const jsonl = (examples: unknown[]) => `${examples.map((e) => JSON.stringify(e)).join('\n')}\n`;
const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
let names = 0;

describe.each(BACKENDS)('AgentCore s3Source (S3) (%s)', (backend) => {
  let s3: TestS3;
  let server: TestServer;
  let client: BedrockAgentCoreControlClient;
  const fromS3 = (key: string) => ({ s3Source: { s3Uri: `s3://evals/${key}` } });
  const create = async (key: string) => {
    const { datasetId, status } = await client.send(new CreateDatasetCommand({ datasetName: `s3_${++names}`, schemaType: PREDEFINED, source: fromS3(key) }));
    expect(status).toBe('CREATING');
    return { datasetId: datasetId!, settled: await settled(client, datasetId!) };
  };

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket('evals');
    server = await startServer({ backend,
      objectStore: { mode: 's3', s3: { endpoint: s3.endpoint, region: 'us-east-1', ...S3RVER_CREDENTIALS } },
      agentcore: { maxExamplesPerDataset: 2000 },
    });
    client = server.agentcore({ maxAttempts: 1 });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('CreateDataset reads a JSONL file of any length, in order, keeping given exampleIds', async () => {
    const examples: Example[] = predefinedBatch(1200);
    examples[5] = { exampleId: 'chosen-id', ...examples[5] };
    await s3.put('evals', 'big.jsonl', `${jsonl(examples.slice(0, 600))}\r\n\n${jsonl(examples.slice(600))}`);
    const { datasetId, settled: ready } = await create('big.jsonl');
    expect(ready).toMatchObject({ status: 'ACTIVE', exampleCount: 1200, draftStatus: 'MODIFIED' });
    const listed = await allExamples(client, datasetId);
    expect(listed.map(contentOf)).toEqual(examples.map(contentOf));
    expect(listed[5].exampleId).toBe('chosen-id');
    expect(new Set(listed.map((e) => e.exampleId)).size).toBe(1200);
  });

  it('AddDatasetExamples appends the file; the ids are known once ACTIVE', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: `s3_${++names}`, schemaType: PREDEFINED, source: inline(predefinedBatch(2, 'first')) }));
    await settled(client, datasetId!);
    await s3.put('evals', 'more.jsonl', jsonl(predefinedBatch(3, 'more')));
    const added = await client.send(new AddDatasetExamplesCommand({ datasetId, source: fromS3('more.jsonl') }));
    expect(added).toMatchObject({ status: 'UPDATING', addedCount: 0, exampleIds: [] });
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 5 });
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['first0', 'first1', 'more0', 'more1', 'more2']);
  });

  it('a bad example fails the whole file with CREATE_FAILED naming the line and the problem', async () => {
    const examples: Example[] = predefinedBatch(700);
    examples[650] = { scenario_id: 'broken', turns: [{ expected_response: 'no input' }] };
    await s3.put('evals', 'bad.jsonl', jsonl(examples));
    const { datasetId, settled: failed } = await create('bad.jsonl');
    expect(failed).toMatchObject({ status: 'CREATE_FAILED', exampleCount: 0 });
    expect(failed.failureReason).toContain('s3://evals/bad.jsonl line 651');
    expect(failed.failureReason).toContain("'line 651.turns[0].input'");
    expect(await allExamples(client, datasetId)).toEqual([]); // the first 500 written before line 651 are gone
  });

  it('AddDatasetExamples with a broken file: UPDATE_FAILED, the DRAFT unchanged', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({ datasetName: `s3_${++names}`, schemaType: PREDEFINED, source: inline([predefined('keep')]) }));
    await settled(client, datasetId!);
    const cases: [string, string | Buffer, RegExp][] = [
      ['not-json.jsonl', `${JSON.stringify(predefined('a'))}\n{"scenario_id": "b",\n`, /line 2: not valid JSON/],
      ['array.jsonl', `${JSON.stringify([predefined('a')])}\n`, /line 1: .*Member must be a JSON object/],
      ['repeat.jsonl', jsonl([{ exampleId: 'x', ...predefined('a') }, { exampleId: 'x', ...predefined('b') }]), /line 2: .*unique within the file/],
      ['empty.jsonl', '\n\n', /the file has no examples/],
      ['zipped.jsonl', gzipSync(jsonl([predefined('a')])), /gzip-compressed, not JSON Lines/],
      ['absent.jsonl', '', /does not exist/],
    ];
    for (const [key, body, reason] of cases) {
      if (key !== 'absent.jsonl') await s3.put('evals', key, body);
      await client.send(new AddDatasetExamplesCommand({ datasetId, source: fromS3(key) }));
      const failed = await settled(client, datasetId!);
      expect(failed.status, key).toBe('UPDATE_FAILED');
      expect(failed.failureReason, key).toMatch(reason);
      expect(failed.exampleCount).toBe(1);
    }
    expect((await allExamples(client, datasetId!)).map((e) => e.scenario_id)).toEqual(['keep']);
  });

  it('an exampleId already in the dataset, or too many examples, fail the file', async () => {
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: `s3_${++names}`, schemaType: PREDEFINED, source: inline([{ exampleId: 'taken', ...predefined('t') }]),
    }));
    await settled(client, datasetId!);
    await s3.put('evals', 'clash.jsonl', jsonl([...predefinedBatch(3), { exampleId: 'taken', ...predefined('u') }]));
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: fromS3('clash.jsonl') }));
    expect((await settled(client, datasetId!)).failureReason).toMatch(/line 4: an example with exampleId taken already exists/);
    await s3.put('evals', 'too-many.jsonl', jsonl(predefinedBatch(2000)));
    await client.send(new AddDatasetExamplesCommand({ datasetId, source: fromS3('too-many.jsonl') }));
    const full = await settled(client, datasetId!);
    expect(full.failureReason).toMatch(/line 2000: the dataset would have more than the maximum of 2000 examples/);
    expect(full.exampleCount).toBe(1);
  });
});

describe.each(BACKENDS)('AgentCore s3Source (folder store) (%s)', (backend) => {
  let buckets: string;
  let server: TestServer;
  beforeAll(async () => {
    buckets = mkdtempSync(join(tmpdir(), 'trove-buckets-'));
    mkdirSync(join(buckets, 'evals'));
    server = await startServer({ backend, objectStore: { mode: 'folder', bucketDir: buckets } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(buckets, { recursive: true, force: true });
  });

  it('reads s3://bucket/key from <bucket-dir>/bucket/key', async () => {
    writeFileSync(join(buckets, 'evals', 'set.jsonl'), jsonl(predefinedBatch(4)));
    const client = server.agentcore({ maxAttempts: 1 });
    const { datasetId } = await client.send(new CreateDatasetCommand({
      datasetName: 'from_folder', schemaType: PREDEFINED, source: { s3Source: { s3Uri: 's3://evals/set.jsonl' } },
    }));
    expect(await settled(client, datasetId!)).toMatchObject({ status: 'ACTIVE', exampleCount: 4 });
    const { datasetId: missing } = await client.send(new CreateDatasetCommand({
      datasetName: 'from_nowhere', schemaType: PREDEFINED, source: { s3Source: { s3Uri: 's3://other-bucket/set.jsonl' } },
    }));
    const failed = await settled(client, missing!);
    expect(failed).toMatchObject({ status: 'CREATE_FAILED', failureReason: 's3://other-bucket/set.jsonl does not exist (no such bucket).' });
  });
});
