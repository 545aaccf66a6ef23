import {
  AddDatasetExamplesCommand, CreateDatasetCommand as CreateAgentCoreDataset, CreateDatasetVersionCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { CreateProjectCommand, CreateDatasetCommand, DeleteDatasetCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { readTar } from '../../../src/lib/tar.js';
import { allExamples, predefined, settled as acSettled } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { carried, exportLink, newDataset, putObject, startImport } from '../../harness/exchange.js';
import { png } from '../../harness/images.js';
import { allEntries, classificationLine, detectionLine, lines, settled } from '../../harness/rekognition.js';
import { eventually, startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const SIZE = { width: 640, height: 480 };

/** A mixed dataset: boxes with an image-level label, an image-level label alone, an unlabeled image, boxes in a folder. */
function mixedEntries(): string[] {
  const a = JSON.parse(detectionLine('s3://photos/a.png', [
    { label: 'cat', left: 10, top: 20, width: 100, height: 50 }, { label: 'dog', left: 200, top: 100, width: 80.5, height: 60.25 },
  ], SIZE)) as Record<string, unknown>;
  Object.assign(a, JSON.parse(classificationLine('s3://photos/a.png', 'indoor')));
  return [
    JSON.stringify(a),
    classificationLine('s3://photos/b.png', 'outdoor'),
    JSON.stringify({ 'source-ref': 's3://photos/c.png' }),
    detectionLine('s3://photos/dir/d.png', [{ label: 'dog', left: 1, top: 2, width: 300, height: 200 }], SIZE),
  ];
}

async function download(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  // A plain GET without AWS credentials: the link is the authorisation.
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

async function rejection(call: Promise<unknown>): Promise<TroveApiCallError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  return error as TroveApiCallError;
}

const byRef = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.sourceRef).localeCompare(String(b.sourceRef));

describe.each(BACKENDS)('open formats: exports and imports through the Trove API (%s)', (backend) => {
  let server: TestServer;
  let api: TroveApiClient;
  beforeAll(async () => {
    server = await startServer({ backend, agentcore: { downloadUrlTtlMs: 3000 } });
    api = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    for (const key of ['a.png', 'b.png', 'c.png', 'dir/d.png', 'guide/e.png', 'guide/f.png']) putObject(server, 'photos', key, png(SIZE.width, SIZE.height));
  });
  afterAll(async () => server?.close());

  it('exports a manifest equal to what ListDatasetEntries lists', async () => {
    const client = server.rekognition();
    const arn = await newDataset(client, mixedEntries());
    const link = await exportLink(api, arn, 'MANIFEST');
    expect(link).toMatchObject({ format: 'manifest', revision: 2, contentType: 'application/jsonl; charset=utf-8' });
    expect(link.fileName).toMatch(/-r2\.manifest$/);
    const file = await download(link.url);
    expect(file.status).toBe(200);
    const listed = (await allEntries(client, { DatasetArn: arn })).map((entry) => JSON.stringify(entry));
    expect(file.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.stringify(JSON.parse(line)))).toEqual(listed);
  });

  it('exports a snapshot as it was taken, after later changes', async () => {
    const client = server.rekognition();
    const arn = await newDataset(client, mixedEntries());
    const before = (await allEntries(client, { DatasetArn: arn })).map((entry) => JSON.stringify(entry));
    await api.call('POST', `/_trove/api/rekognition/datasets/${encodeURIComponent(arn)}/snapshots`, { body: { name: 'v1' } });
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/a.png', 'replaced')) } }));
    expect((await settled(client, arn)).Status).toBe('UPDATE_COMPLETE');
    const link = await exportLink(api, arn, 'MANIFEST', 'v1');
    expect(link).toMatchObject({ revision: 2, snapshot: 'v1' });
    expect(link.fileName).toMatch(/-v1\.manifest$/);
    const file = await download(link.url);
    expect(file.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.stringify(JSON.parse(line)))).toEqual(before);
    expect((await rejection(exportLink(api, arn, 'COCO', 'no-such-snapshot'))).status).toBe(404);
  });

  it('round-trips through COCO: export, then import into an empty dataset gives the same labels, boxes and sizes', async () => {
    const client = server.rekognition();
    const source = await newDataset(client, mixedEntries());
    const file = await download((await exportLink(api, source, 'COCO')).url);
    expect(file.status).toBe(200);
    const coco = JSON.parse(file.body.toString('utf8')) as { images: { file_name: string; coco_url: string }[]; annotations: unknown[]; categories: { name: string }[] };
    expect(coco.images.map((image) => image.coco_url)).toEqual(['s3://photos/a.png', 's3://photos/b.png', 's3://photos/c.png', 's3://photos/dir/d.png']);
    expect(coco.images[3].file_name).toBe('dir/d.png');
    expect(coco.annotations).toHaveLength(3);
    expect(coco.categories.map((category) => category.name)).toEqual(['indoor', 'cat', 'dog', 'outdoor']);

    const target = await newDataset(client);
    const uri = putObject(server, 'exports', 'mixed.coco.json', file.body);
    // Like every change, an import asks for SQLite's substring index to catch up with what it wrote.
    const catchUp = vi.spyOn(server.trove.maintenance, 'indexSourceRefsSoon');
    expect(await startImport(api, target, 'COCO', uri)).toMatchObject({ status: 'UPDATE_IN_PROGRESS', format: 'coco' });
    expect((await settled(client, target)).Status).toBe('UPDATE_COMPLETE');
    await eventually(async () => (catchUp.mock.calls.length > 0 ? true : undefined), 5_000, 'the index catch-up');
    catchUp.mockRestore();
    const before = (await allEntries(client, { DatasetArn: source })).map((entry) => carried(JSON.stringify(entry))).sort(byRef);
    const after = (await allEntries(client, { DatasetArn: target })).map((entry) => carried(JSON.stringify(entry))).sort(byRef);
    expect(after).toEqual(before);
  });

  it('round-trips through YOLO: boxes come back (sizes read from the images), image-level labels do not', async () => {
    const client = server.rekognition();
    const source = await newDataset(client, mixedEntries());
    const file = await download((await exportLink(api, source, 'YOLO')).url);
    expect([file.status, file.type]).toEqual([200, 'application/x-tar']);
    const files = new Map<string, string>();
    for await (const entry of readTar((async function* () { yield file.body; })(), { maxBody: 1 << 20 })) files.set(entry.name, entry.body!.toString('utf8'));
    expect([...files.keys()]).toEqual(['data.yaml', 'images.txt', 'labels/a.txt', 'labels/dir/d.txt']);
    expect(files.get('data.yaml')).toContain('names:\n  0: "cat"\n  1: "dog"\n');
    expect(files.get('images.txt')).toBe('s3://photos/a.png\ns3://photos/b.png\ns3://photos/c.png\ns3://photos/dir/d.png\n');
    expect(files.get('labels/dir/d.txt')).toBe(`1 ${151 / 640} ${102 / 480} ${300 / 640} ${200 / 480}\n`);

    const target = await newDataset(client);
    const uri = putObject(server, 'exports', 'mixed.yolo.tar', file.body);
    await startImport(api, target, 'YOLO', uri);
    expect((await settled(client, target)).Status).toBe('UPDATE_COMPLETE');
    const before = (await allEntries(client, { DatasetArn: source })).map((entry) => carried(JSON.stringify(entry), { imageLabels: false })).sort(byRef);
    const after = (await allEntries(client, { DatasetArn: target })).map((entry) => carried(JSON.stringify(entry), { imageLabels: false })).sort(byRef);
    expect(after).toEqual(before);
  });

  it("imports a COCO file shaped like AWS's guide: float boxes, iscrowd, polygon and RLE segmentation, images by file name", async () => {
    const coco = {
      info: { description: 'COCO 2017 Dataset', version: '1.0', year: 2017 },
      licenses: [{ url: 'http://creativecommons.org/licenses/by-nc-sa/2.0/', id: 1, name: 'Attribution-NonCommercial-ShareAlike License' }],
      images: [
        { license: 1, file_name: 'e.png', coco_url: 'http://images.cocodataset.org/val2017/e.png', height: 480, width: 640, date_captured: '2013-11-14 17:02:52', id: 397133 },
        { license: 1, file_name: 'f.png', coco_url: 'http://images.cocodataset.org/val2017/f.png', height: 480, width: 640, date_captured: '2013-11-14 20:55:31', id: 37777 },
      ],
      annotations: [
        { segmentation: [[10.5, 20.25, 100.0, 20.25, 100.0, 80.5]], area: 702.1, iscrowd: 0, image_id: 397133, bbox: [10.5, 20.25, 89.5, 60.25], category_id: 44, id: 82445 },
        { segmentation: { counts: [272, 2, 4, 4], size: [480, 640] }, area: 220834, iscrowd: 1, image_id: 37777, bbox: [0.0, 34.0, 639.0, 388.0], category_id: 1, id: 900100 },
        { segmentation: [[1, 1, 2, 2, 3, 3]], area: 12.5, iscrowd: 0, image_id: 37777, bbox: [300.75, 200.5, 40.25, 30.0], category_id: 44, id: 82446 },
        { segmentation: [[1, 1, 2, 2]], area: 1, iscrowd: 0, image_id: 1, bbox: [1, 1, 5, 5], category_id: 44, id: 99 },
      ],
      categories: [{ supercategory: 'person', id: 1, name: 'person' }, { supercategory: 'kitchen', id: 44, name: 'bottle' }],
    };
    const client = server.rekognition();
    const target = await newDataset(client);
    const uri = putObject(server, 'exports', 'guide.json', JSON.stringify(coco));
    await startImport(api, target, 'COCO', uri, 's3://photos/guide/');
    expect((await settled(client, target)).Status).toBe('UPDATE_COMPLETE');
    const entries = (await allEntries(client, { DatasetArn: target })).map((entry) => carried(JSON.stringify(entry)));
    expect(entries).toEqual([
      { sourceRef: 's3://photos/guide/e.png', size: SIZE, imageLabels: [], boxes: [JSON.stringify(['bottle', 10.5, 20.25, 89.5, 60.25])] },
      {
        sourceRef: 's3://photos/guide/f.png', size: SIZE, imageLabels: [],
        boxes: [JSON.stringify(['bottle', 300.75, 200.5, 40.25, 30]), JSON.stringify(['person', 0, 34, 639, 388])],
      },
    ]);
    const stored = await allEntries(client, { DatasetArn: target });
    expect(stored.every((entry) => !('cl-errors' in entry))).toBe(true);
  });

  it('fails an import that is not COCO, or whose source is missing, with clear answers', async () => {
    const client = server.rekognition();
    const target = await newDataset(client);
    const missing = await rejection(startImport(api, target, 'COCO', 's3://exports/nothing-here.json'));
    expect([missing.status, missing.code]).toEqual([400, 'ValidationException']);
    expect(missing.message).toContain('s3://exports/nothing-here.json');
    await startImport(api, target, 'COCO', putObject(server, 'exports', 'list.json', '[1, 2, 3]'));
    const failed = await settled(client, target);
    expect(failed.Status).toBe('UPDATE_FAILED');
    expect(failed.StatusMessage).toMatch(/^ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: .*not a JSON object/);
  });

  it('exports an AgentCore version and the DRAFT as JSONL and CSV', async () => {
    const agentcore = server.agentcore();
    const { datasetId } = await agentcore.send(new CreateAgentCoreDataset({
      datasetName: `formats${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
      source: { inlineExamples: { examples: [{ exampleId: 'e1', ...predefined('s1', 'hello, "world"') }, { exampleId: 'e2', ...predefined('s2') }] } },
    }));
    await acSettled(agentcore, datasetId!);
    await agentcore.send(new CreateDatasetVersionCommand({ datasetId }));
    await acSettled(agentcore, datasetId!);
    await agentcore.send(new AddDatasetExamplesCommand({ datasetId, source: { inlineExamples: { examples: [{ exampleId: 'e3', ...predefined('s3') }] } } }));
    await acSettled(agentcore, datasetId!);

    const path = `/_trove/api/agentcore/datasets/${datasetId}/exports`;
    for (const [version, expected] of [['1', 2], ['DRAFT', 3]] as const) {
      const link = await api.call<{ url: string; datasetVersion: string; exampleCount: number }>('POST', path, { body: { format: 'JSONL', datasetVersion: version } });
      expect(link).toMatchObject({ datasetVersion: version, exampleCount: expected });
      const file = await download(link.url);
      const listed = await allExamples(agentcore, datasetId!, version);
      expect(file.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))).toEqual(listed);
    }
    const csv = await download((await api.call<{ url: string }>('POST', path, { body: { format: 'CSV', datasetVersion: '1' } })).url);
    expect([csv.status, csv.type]).toEqual([200, 'text/csv; charset=utf-8']);
    expect(csv.body.toString('utf8')).toBe([
      'exampleId,scenario_id,turns',
      `e1,s1,"${JSON.stringify([{ input: 'hello, "world"', expected_response: 'answer s1' }]).replaceAll('"', '""')}"`,
      `e2,s2,"${JSON.stringify([{ input: 'question s2', expected_response: 'answer s2' }]).replaceAll('"', '""')}"`,
      '',
    ].join('\r\n'));
  });

  it('refuses altered and expired export links, and answers 404 once the dataset is gone', async () => {
    const client = server.rekognition();
    const arn = await newDataset(client, [classificationLine('s3://photos/a.png', 'cat')]);
    const link = await exportLink(api, arn, 'COCO');
    const token = new URL(link.url).pathname.split('/')[3];
    const altered = link.url.replace(token, token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11));
    expect((await download(altered)).status).toBe(403);
    expect((await download(link.url)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const expired = await download(link.url);
    expect(expired.status).toBe(403);
    expect(expired.body.toString('utf8')).toContain('expired');

    const fresh = await exportLink(api, arn, 'MANIFEST');
    await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
    // DeleteDataset answers before the delete is done, but a dataset being deleted is already gone
    // to its links: 404 as soon as DeleteDataset has answered. (A download already under way when
    // the dataset goes fails, a broken transfer, never a short file: downloads-cut-short.test.ts.)
    const gone = await download(fresh.url);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body.toString('utf8'))).toMatchObject({ code: 'NoSuchKey' });
  });

  it('answers 404 NoSuchKey when the dataset goes between opening the link and its first read', async () => {
    const client = server.rekognition();
    const { rkEntries } = server.trove.store;
    const scan = rkEntries.scan.bind(rkEntries);
    for (const format of ['MANIFEST', 'COCO'] as const) {
      const arn = await newDataset(client, [classificationLine('s3://photos/a.png', 'cat')]);
      const link = await exportLink(api, arn, format);
      // The link's checks pass, then the dataset goes (DeleteDataset runs to its end) just before
      // the first page is read: nothing has been sent, so this is a 404, not a broken transfer.
      vi.spyOn(rkEntries, 'scan').mockImplementationOnce(async (...args) => {
        await client.send(new DeleteDatasetCommand({ DatasetArn: arn }));
        await server.trove.runner.idle();
        return scan(...args);
      });
      const file = await download(link.url);
      expect({ format, status: file.status }).toEqual({ format, status: 404 });
      expect(JSON.parse(file.body.toString('utf8'))).toMatchObject({ code: 'NoSuchKey' });
    }
  });

  it('validates the request: unknown formats and bad s3:// URIs are ValidationExceptions', async () => {
    const client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: `validation-${backend}` }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(classificationLine('s3://photos/a.png', 'cat')) } }));
    await settled(client, DatasetArn!);
    // One call at a time: a call started before the previous one is awaited could reject unheard.
    const calls = [() => exportLink(api, DatasetArn!, 'PASCAL'), () => startImport(api, DatasetArn!, 'COCO', 'https://example.com/x.json'), () => startImport(api, DatasetArn!, 'YOLO', 's3://b/x.tar', 's3://b/no-slash')];
    for (const call of calls) {
      expect((await rejection(call())).code).toBe('ValidationException');
    }
  });
  it("keeps another account's datasets out of reach and checks the trove: actions of a credential's allow-lists", async () => {
    const owner = server.rekognition();
    const arn = await newDataset(owner, [classificationLine('s3://photos/a.png', 'cat')]);
    const { datasetId } = await server.agentcore().send(new CreateAgentCoreDataset({
      datasetName: `tenancy${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: [predefined('s')] } },
    }));
    // From here on the local pair no longer works on this server: credentials exist.
    const stranger = await server.createCredential({ account: '222222222222' });
    const other = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: stranger });
    expect((await rejection(exportLink(other, arn, 'MANIFEST'))).code).toBe('ResourceNotFoundException');
    expect((await rejection(startImport(other, arn, 'COCO', 's3://exports/guide.json'))).status).toBe(404);
    const acExport = other.call('POST', `/_trove/api/agentcore/datasets/${datasetId}/exports`, { body: { format: 'CSV' } });
    expect((await rejection(acExport)).code).toBe('ResourceNotFoundException');

    const limited = await server.createCredential({ account: '222222222222', allowActions: ['trove:CreateDatasetExport', 'rekognition:ListDatasetEntries'] });
    const exportOnly = new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: limited });
    const denied = await rejection(startImport(exportOnly, arn, 'COCO', 's3://exports/guide.json'));
    expect([denied.status, denied.code]).toEqual([403, 'AccessDeniedException']);
    expect(denied.message).toContain('trove:StartDatasetImport');
    expect((await rejection(exportLink(exportOnly, arn, 'COCO'))).code).toBe('ResourceNotFoundException');
  });

});
