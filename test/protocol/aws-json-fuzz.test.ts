import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputShapes } from '../../src/api/rekognition/inputs.js';
import { BACKENDS } from '../harness/backends.js';
import { startServer } from '../harness/server.js';
import type { TestServer } from '../harness/server.js';
import { signedFetch } from '../harness/sigv4.js';

/**
 * Property: whatever a client sends to the awsJson endpoint, the answer is 200 or a modelled
 * 4xx error with a `__type` — never a 500, a hang or a dropped connection — and the server lives on.
 */
describe.each(BACKENDS)('awsJson1_1 under arbitrary input (%s)', (backend) => {
  let server: TestServer;
  let projectArn = '';
  let datasetArn = '';
  beforeAll(async () => {
    server = await startServer({ backend });
    const created = await post('RekognitionService.CreateProject', JSON.stringify({ ProjectName: 'fuzz' }));
    projectArn = ((await created.json()) as { ProjectArn: string }).ProjectArn;
    const dataset = await post('RekognitionService.CreateDataset', JSON.stringify({ ProjectArn: projectArn, DatasetType: 'TRAIN' }));
    datasetArn = ((await dataset.json()) as { DatasetArn: string }).DatasetArn;
  });
  afterAll(async () => server?.close());

  function post(target: string, body: string | Uint8Array) {
    return signedFetch(`${server.url}/`, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body });
  }

  async function expectModelled(response: Response): Promise<void> {
    expect([200, 400]).toContain(response.status);
    const text = await response.text();
    if (response.status === 400) expect(JSON.parse(text).__type).toMatch(/^[A-Za-z]+$/);
  }

  const operations = Object.keys(inputShapes);
  const target = fc.oneof(
    fc.constantFrom(...operations).map((op) => `RekognitionService.${op}`),
    fc.string().map((s) => `RekognitionService.${s}`),
    fc.string(),
  );
  // Values that sit near the real inputs: known member names, real ARNs, base64, plus any JSON.
  const value = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(() => projectArn, () => datasetArn).map((f) => f()),
    fc.string().map((s) => Buffer.from(s).toString('base64')),
    fc.constantFrom('TRAIN', 'TEST', 'CUSTOM_LABELS', '', 'x'.repeat(3000)),
    fc.integer({ min: -5, max: 2000 }),
  );
  const memberNames = [...new Set(Object.values(inputShapes).flatMap((shape) => Object.keys(shape.members)))];
  const structured = fc.dictionary(fc.constantFrom(...memberNames, 'GroundTruth', 'Arn', 'S3Object'), fc.oneof(value, fc.dictionary(fc.constantFrom('GroundTruth', 'Arn', 'DatasetArn', 'GroundTruthManifest'), value)));
  const body = fc.oneof(structured.map((o) => JSON.stringify(o)), fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.uint8Array({ maxLength: 512 }));

  it('never fails with a 500 or a crash', async () => {
    await fc.assert(
      fc.asyncProperty(target, body, async (t, b) => {
        await expectModelled(await post(t, b));
      }),
      { numRuns: 400 },
    );
    expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
  });

  it('keeps the dataset consistent under arbitrary UpdateDatasetEntries lines', async () => {
    // A dataset of its own: the first property may have deleted the shared one (DeleteDataset is fair game there).
    const project = await (await post('RekognitionService.CreateProject', JSON.stringify({ ProjectName: 'fuzz-entries' }))).json() as { ProjectArn: string };
    const created = await (await post('RekognitionService.CreateDataset', JSON.stringify({ ProjectArn: project.ProjectArn, DatasetType: 'TRAIN' }))).json() as { DatasetArn: string };
    const datasetArn = created.DatasetArn;
    await server.trove.runner.idle();
    const line = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ 'source-ref': fc.oneof(fc.string(), fc.constant('s3://bucket/a.jpg')), label: fc.jsonValue(), 'label-metadata': fc.jsonValue() }).map((v) => JSON.stringify(v)),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 20 }), async (items) => {
        const response = await post('RekognitionService.UpdateDatasetEntries', JSON.stringify({
          DatasetArn: datasetArn, Changes: { GroundTruth: Buffer.from(items.join('\n')).toString('base64') },
        }));
        await expectModelled(response);
        await server.trove.runner.idle();
      }),
      { numRuns: 60 },
    );
    const described = await (await post('RekognitionService.DescribeDataset', JSON.stringify({ DatasetArn: datasetArn }))).json() as {
      DatasetDescription: { Status: string; DatasetStats: { TotalEntries: number } };
    };
    expect(described.DatasetDescription.Status).toMatch(/_(COMPLETE|FAILED)$/);
    const listed = await (await post('RekognitionService.ListDatasetEntries', JSON.stringify({ DatasetArn: datasetArn }))).json() as { DatasetEntries: string[] };
    expect(listed.DatasetEntries.length).toBe(described.DatasetDescription.DatasetStats.TotalEntries);
  });
});
