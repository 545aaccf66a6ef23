import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateDatasetCommand as CreateAcDatasetCommand, GetDatasetCommand, ListDatasetsCommand, ListDatasetVersionsCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateProjectCommand, DescribeDatasetCommand, DescribeProjectsCommand, ListDatasetLabelsCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allExamples, predefined } from '../../harness/agentcore.js';
import { settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { newcomerEnv, runTrove } from '../../harness/process.js';
import { allEntries } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

/** `bin/trove demo` as a newcomer runs it. */
const demo = (...args: string[]) => runTrove(['demo', ...args], newcomerEnv());

const codesOf = (entries: Record<string, unknown>[]) => {
  const codes = new Set<string>();
  JSON.stringify(entries, (key, value: unknown) => {
    if (key === 'code' && typeof value === 'string') codes.add(value);
    return value;
  });
  return [...codes].sort();
};

describe.each(BACKENDS)('bin/trove demo (%s)', (backend) => {
  let server: TestServer;
  const outputs: string[] = [];

  beforeAll(async () => {
    server = await startServer({ backend });
    // The user's own data, which the demo must leave alone.
    await server.rekognition().send(new CreateProjectCommand({ ProjectName: 'flowers' }));
    const { datasetId } = await server.agentcore().send(new CreateAcDatasetCommand({
      datasetName: 'my_eval', schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: [predefined('mine')] } },
    }));
    await acSettled(server.agentcore(), datasetId!);
    // Twice: the second run replaces what the first made.
    for (let run = 0; run < 2; run++) {
      const ran = await demo('--endpoint', server.url, '--data-dir', server.dataDir);
      expect(ran.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?show where the warning was created\)\n/, '')).toBe('');
      expect(ran.code).toBe(0);
      outputs.push(ran.stdout);
    }
  }, 120_000);
  afterAll(async () => server?.close());

  it('says where to look', () => {
    expect(outputs[1]).toMatch(new RegExp(`^Demo data loaded into ${server.url} \\(region us-east-1\\) in \\d+\\.\\d s:\\n`));
    expect(outputs[1]).toContain(`${server.url}/_trove/console/rekognition/project?name=trove-demo`);
    expect(outputs[1]).toMatch(/AgentCore trove_demo_support +versions 1 and 2: http:\S+\/_trove\/console\/agentcore\/diff\?id=trove_demo_support-\w+&from=1&to=2/);
    expect(outputs[1]).toContain(`${join(server.dataDir, 'buckets', 'trove-demo')}/`);
    expect(outputs[1]).toContain('sign in with test / test');
  });

  it('makes one Rekognition project with TRAIN and TEST datasets of real pictures, labels, boxes and errors of different kinds', async () => {
    const client = server.rekognition();
    const { ProjectDescriptions } = await client.send(new DescribeProjectsCommand({}));
    expect(ProjectDescriptions!.map((p) => p.ProjectArn!.split('/')[1]).sort()).toEqual(['flowers', 'trove-demo']);
    const project = ProjectDescriptions!.find((p) => p.ProjectArn!.includes('/trove-demo/'))!;
    expect(project.Datasets!.map((d) => d.DatasetType).sort()).toEqual(['TEST', 'TRAIN']);
    const arn = (type: string) => project.Datasets!.find((d) => d.DatasetType === type)!.DatasetArn!;

    const train = (await client.send(new DescribeDatasetCommand({ DatasetArn: arn('TRAIN') }))).DatasetDescription!;
    expect(train.Status).toBe('UPDATE_COMPLETE');
    expect(train.DatasetStats).toEqual({ TotalEntries: 30, LabeledEntries: 27, ErrorEntries: 5, TotalLabels: 6 });
    expect(codesOf(await allEntries(client, { DatasetArn: arn('TRAIN'), HasErrors: true }))).toEqual([
      'ERROR_BOUNDING_BOX_TOO_SMALL', 'ERROR_INVALID_BOUNDING_BOX', 'ERROR_INVALID_IMAGE_DIMENSION',
      'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT', 'ERROR_MISSING_CLASS_MAP_ID',
    ]);
    const labels = (await client.send(new ListDatasetLabelsCommand({ DatasetArn: arn('TRAIN') }))).DatasetLabelDescriptions!;
    expect(labels.map((l) => l.LabelName).sort()).toEqual(['balloon', 'day', 'kite', 'night', 'parcel', 'sunset']);
    for (const object of labels.filter((l) => ['balloon', 'kite', 'parcel'].includes(l.LabelName!))) expect(object.LabelStats!.BoundingBoxCount).toBeGreaterThan(0);
    for (const scene of labels.filter((l) => ['day', 'night', 'sunset'].includes(l.LabelName!))) expect(scene.LabelStats!.BoundingBoxCount).toBeUndefined();

    const test = (await client.send(new DescribeDatasetCommand({ DatasetArn: arn('TEST') }))).DatasetDescription!;
    expect(test.DatasetStats).toMatchObject({ TotalEntries: 10, LabeledEntries: 10, ErrorEntries: 1 });
    expect(codesOf(await allEntries(client, { DatasetArn: arn('TEST'), HasErrors: true }))).toEqual(['ERROR_MISSING_BOUNDING_BOX_CONFIDENCE']);

    // Every source-ref is a PNG or JPEG in the server's bucket folder.
    const entries = await allEntries(client, { DatasetArn: arn('TRAIN') });
    const formats = new Set(entries.map((e) => {
      const file = join(server.dataDir, 'buckets', (e['source-ref'] as string).slice('s3://'.length));
      const head = readFileSync(file).subarray(0, 4).toString('hex');
      return head === '89504e47' ? 'png' : head.startsWith('ffd8ff') ? 'jpeg' : head;
    }));
    expect([...formats].sort()).toEqual(['jpeg', 'png']);
    expect(readdirSync(join(server.dataDir, 'buckets', 'trove-demo', 'rekognition', 'train'))).toHaveLength(30);
  });

  it('makes one AgentCore dataset of each schema type, each with two published versions that differ', async () => {
    const client = server.agentcore();
    const { datasets } = await client.send(new ListDatasetsCommand({}));
    expect(datasets!.map((d) => d.datasetName).sort()).toEqual(['my_eval', 'trove_demo_simulated', 'trove_demo_support']);
    const expected = { trove_demo_support: ['AGENTCORE_EVALUATION_PREDEFINED_V1', 6, 7], trove_demo_simulated: ['AGENTCORE_EVALUATION_SIMULATED_V1', 3, 4] } as const;
    for (const [name, [schemaType, v1, v2]] of Object.entries(expected)) {
      const { datasetId } = datasets!.find((d) => d.datasetName === name)!;
      const dataset = await client.send(new GetDatasetCommand({ datasetId }));
      expect(dataset).toMatchObject({ schemaType, status: 'ACTIVE', draftStatus: 'UNMODIFIED', exampleCount: v2 });
      const { versions } = await client.send(new ListDatasetVersionsCommand({ datasetId }));
      expect(versions!.map((v) => v.datasetVersion)).toEqual(['2', '1']);
      const first = await allExamples(client, datasetId!, '1');
      const second = await allExamples(client, datasetId!, '2');
      expect([first.length, second.length]).toEqual([v1, v2]);
      const byId = (examples: Record<string, unknown>[]) => new Map(examples.map((e) => [e['exampleId'], JSON.stringify(e)]));
      const [before, after] = [byId(first), byId(second)];
      const changed = [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id));
      expect(changed).toHaveLength(1);
      expect([...after.keys()].filter((id) => !before.has(id)).length).toBeGreaterThan(0);
    }
  });
});

describe.each(BACKENDS)('bin/trove demo on a Trove with credentials (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  it('says that the demo bucket needs an owner when every picture is unreadable for the key', async () => {
    const key = await server.createCredential({ account: '123456789012' });
    const ran = await runTrove(['demo', '--endpoint', server.url, '--data-dir', server.dataDir], {
      ...newcomerEnv(), AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/trove demo: the (TRAIN|TEST) dataset ended in UPDATE_FAILED: ERROR_TOO_MANY_RECORDS_IN_ERROR: /);
    expect(ran.stderr).toContain('On a Trove with credentials, buckets have owners: give the key\'s account the demo\'s bucket (`trove buckets assign trove-demo --owner <account>`');
  }, 60_000);
});
