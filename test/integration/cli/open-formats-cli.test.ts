import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateDatasetCommand as CreateAgentCoreDataset, CreateDatasetVersionCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { IMPORT_POLLING, leftOutOf } from '../../../src/cli/commands/import.js';
import { applySync, planSync, readLocal } from '../../../src/client/agentcore-sync.js';
import { DatasetHistoryClient } from '../../../src/client/dataset-history-client.js';
import { settle } from '../../../src/client/local-import.js';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { allExamples, predefined, settled as acSettled } from '../../harness/agentcore.js';
import type { Example } from '../../harness/agentcore.js';
import { BACKENDS } from '../../harness/backends.js';
import { carried, newDataset, putObject } from '../../harness/exchange.js';
import { png } from '../../harness/images.js';
import { allEntries, classificationLine, detectionLine, lines } from '../../harness/rekognition.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// bin/trove export, import and sync through the real binary, against a running Trove over HTTP.

const execute = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const SIZE = { width: 640, height: 480 };

describe.each(BACKENDS)('bin/trove export, import, sync (%s)', (backend) => {
  let server: TestServer;
  let work: string;
  const trove = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_PROFILE: '' };
    return execute(process.execPath, [BIN, ...args, '--endpoint', server.url], { env, maxBuffer: 64 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  };
  const entriesOf = async (arn: string) => (await allEntries(server.rekognition(), { DatasetArn: arn })).map((entry) => JSON.stringify(entry));

  beforeAll(async () => {
    server = await startServer({ backend });
    work = mkdtempSync(join(tmpdir(), 'trove-formats-cli-'));
    for (const key of ['a.png', 'b.png', 'yolo/x.png', 'yolo/sub/y.png']) putObject(server, 'photos', key, png(SIZE.width, SIZE.height));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('exports a manifest, COCO and a YOLO folder, and imports the COCO file back from a local path', async () => {
    const client = server.rekognition();
    const arn = await newDataset(client, [
      detectionLine('s3://photos/a.png', [{ label: 'cat', left: 10, top: 20, width: 100, height: 50 }], SIZE),
      classificationLine('s3://photos/b.png', 'dog'),
    ]);
    const manifest = await trove('export', '--dataset-arn', arn, '--format', 'manifest', '--out', join(work, 'out.manifest'));
    expect(manifest).toMatchObject({ code: 0 });
    expect(manifest.stdout).toMatch(/^exported arn:.* at revision 2 as manifest: \d+ bytes → /);
    expect(readFileSync(join(work, 'out.manifest'), 'utf8').split('\n').filter(Boolean)).toEqual(await entriesOf(arn));

    const coco = await trove('export', '--dataset-arn', arn, '--format', 'coco', '--out', join(work, 'out.json'), '--json');
    expect(JSON.parse(coco.stdout)).toMatchObject({ format: 'coco', revision: 2 });
    const yolo = await trove('export', '--dataset-arn', arn, '--format', 'yolo', '--out', join(work, 'yolo-out'));
    expect(yolo.code).toBe(0);
    expect(readdirSync(join(work, 'yolo-out')).sort()).toEqual(['data.yaml', 'images.txt', 'labels']);
    expect(readFileSync(join(work, 'yolo-out', 'labels', 'a.txt'), 'utf8')).toBe(`0 ${60 / 640} ${45 / 480} ${100 / 640} ${50 / 480}\n`);

    const target = await newDataset(client);
    const imported = await trove('import', '--dataset-arn', target, '--format', 'coco', '--from', join(work, 'out.json'));
    expect(imported).toMatchObject({ code: 0 });
    // Sent to the server as it is, and imported there as one change.
    expect(imported.stdout).toBe(`imported ${join(work, 'out.json')} (coco) into ${target}: UPDATE_COMPLETE; the dataset has 2 entries (0 with errors)\n`);
    expect((await entriesOf(target)).map((line) => carried(line))).toEqual((await entriesOf(arn)).map((line) => carried(line)));

    // The exported YOLO folder names its images by s3:// URI and holds none: converted here, the
    // image with boxes cannot be sized (it is left out with its box), and the command says how to import it so it can.
    const yoloBack = await trove('import', '--dataset-arn', await newDataset(client), '--format', 'yolo', '--from', join(work, 'yolo-out'));
    expect(yoloBack.stdout).toContain('left out 1 image and 1 box');
    expect(yoloBack.stdout).toContain(`one of the images with boxes has no image file in ${join(work, 'yolo-out')} (images.txt names them by s3:// URI`);
    expect(yoloBack.stdout).toContain('Pack the folder as a tar and import the tar');

    // The same folder packed as a tar is sent to the server, which reads each image's size: nothing is left out.
    await execute('tar', ['-cf', join(work, 'yolo-out.tar'), '-C', join(work, 'yolo-out'), '.']);
    const packed = await newDataset(client);
    const fromTar = await trove('import', '--dataset-arn', packed, '--format', 'yolo', '--from', join(work, 'yolo-out.tar'));
    expect(fromTar).toMatchObject({ code: 0 });
    expect(fromTar.stdout).toBe(`imported ${join(work, 'yolo-out.tar')} (yolo) into ${packed}: UPDATE_COMPLETE; the dataset has 2 entries (0 with errors)\n`);
    expect((await entriesOf(packed)).map((line) => carried(line, { imageLabels: false })))
      .toEqual((await entriesOf(arn)).map((line) => carried(line, { imageLabels: false })));
  });

  it('says what the server\'s conversion of a sent file left out, with reasons, and `datasets report` lists it', async () => {
    const coco = {
      images: [{ id: 1, file_name: 'a.png', width: SIZE.width, height: SIZE.height }],
      categories: [{ id: 1, name: 'cat' }],
      annotations: [
        { id: 10, image_id: 1, category_id: 1, bbox: [10, 20, 100, 50] },
        { id: 11, image_id: 99, category_id: 1, bbox: [1, 2, 3, 4] },
        { id: 12, image_id: 1, category_id: 7, bbox: [5, 6, 7, 8] },
      ],
    };
    writeFileSync(join(work, 'left-out.json'), JSON.stringify(coco));
    const target = await newDataset(server.rekognition());
    const imported = await trove('import', '--dataset-arn', target, '--format', 'coco', '--from', join(work, 'left-out.json'), '--images', 's3://photos/');
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toBe(`imported ${join(work, 'left-out.json')} (coco) into ${target}: UPDATE_COMPLETE; the dataset has 1 entry (0 with errors)\n`
      + 'revision 2: converted 1 image with 1 box; left out 0 images and 2 boxes (by reason: UNKNOWN_IMAGE 1, UNKNOWN_CATEGORY 1)\n'
      + '  left out: UNKNOWN_IMAGE: annotation 11: no image with id 99\n'
      + '  left out: UNKNOWN_CATEGORY: annotation 12: no category with id 7\n');
    const json = await trove('import', '--dataset-arn', await newDataset(server.rekognition()), '--format', 'coco', '--from', join(work, 'left-out.json'), '--images', 's3://photos/', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      revision: 2, conversion: { images: 1, boxes: 1, boxesLeftOut: 2, leftOut: { UNKNOWN_IMAGE: 1, UNKNOWN_CATEGORY: 1 } },
      leftOut: [{ problem: 'LEFT_OUT', reason: 'UNKNOWN_IMAGE' }, { problem: 'LEFT_OUT', reason: 'UNKNOWN_CATEGORY' }],
    });
    // The command reads the revision the server answered; from a server that answers none, the
    // newest revision whose source is the import's: here the same.
    const history = new DatasetHistoryClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
    const read = { revision: 2, conversion: { boxesLeftOut: 2 }, leftOut: [{ reason: 'UNKNOWN_IMAGE' }, { reason: 'UNKNOWN_CATEGORY' }] };
    expect(await leftOutOf(history, target, 2)).toMatchObject(read);
    expect(await leftOutOf(history, target, 'COCO upload left-out.json')).toMatchObject(read);
    expect(await leftOutOf(history, target, 'COCO upload other.json')).toEqual({ leftOutUnread: 'no revision of the last 10 came from COCO upload other.json' });

    const report = await trove('datasets', 'report', '--dataset-arn', target, '--revision', '2');
    expect(report).toMatchObject({ code: 0 });
    const lines = report.stdout.split('\n');
    expect(lines[1]).toBe('converted 1 image with 1 box; left out 0 images and 2 boxes (by reason: UNKNOWN_IMAGE 1, UNKNOWN_CATEGORY 1)');
    expect(lines[2]).toMatch(/^-\s+left out\s+UNKNOWN_IMAGE\s+-\s+annotation 11: no image with id 99$/);
    expect(lines[3]).toMatch(/^-\s+left out\s+UNKNOWN_CATEGORY\s+-\s+annotation 12: no category with id 7$/);
    expect(lines[4]).toBe('2 left out, 0 dropped, 0 with errors');
  });

  it('imports a local YOLO folder (sizes from its own images), and a file from s3:// through the server', async () => {
    const folder = join(work, 'yolo-in');
    mkdirSync(join(folder, 'images', 'sub'), { recursive: true });
    mkdirSync(join(folder, 'labels', 'sub'), { recursive: true });
    writeFileSync(join(folder, 'data.yaml'), 'path: .\ntrain: images\nnames: [person, "bottle, glass"]\n');
    writeFileSync(join(folder, 'images', 'x.png'), png(SIZE.width, SIZE.height));
    writeFileSync(join(folder, 'images', 'sub', 'y.png'), png(SIZE.width, SIZE.height));
    writeFileSync(join(folder, 'labels', 'x.txt'), '0 0.5 0.5 0.25 0.5\n1 0.1 0.1 0.1 0.1\n');
    const client = server.rekognition();
    const target = await newDataset(client);
    const local = await trove('import', '--dataset-arn', target, '--format', 'yolo', '--from', folder, '--images', 's3://photos/yolo/');
    expect(local).toMatchObject({ code: 0 });
    expect((await entriesOf(target)).map((line) => carried(line))).toEqual([
      {
        sourceRef: 's3://photos/yolo/x.png', size: SIZE, imageLabels: [],
        boxes: [JSON.stringify(['bottle, glass', 32, 24, 64, 48]), JSON.stringify(['person', 240, 120, 160, 240])],
      },
      { sourceRef: 's3://photos/yolo/sub/y.png', imageLabels: [], boxes: [] },
    ]);

    // From the object store: the server reads the file and applies it as one change.
    const source = await newDataset(client, [detectionLine('s3://photos/a.png', [{ label: 'cat', left: 10, top: 20, width: 100, height: 50 }], SIZE)]);
    expect((await trove('export', '--dataset-arn', source, '--format', 'coco', '--out', join(work, 'for-s3.json'))).code).toBe(0);
    const uri = putObject(server, 'exports', 'for-s3.json', readFileSync(join(work, 'for-s3.json')));
    const again = await newDataset(client);
    const remote = await trove('import', '--dataset-arn', again, '--format', 'coco', '--from', uri);
    expect(remote).toMatchObject({ code: 0 });
    expect(remote.stdout).toBe(`imported ${uri} (coco) into ${again}: UPDATE_COMPLETE; the dataset has 1 entry (0 with errors)\n`);
    expect((await entriesOf(again)).map((line) => carried(line))).toEqual((await entriesOf(source)).map((line) => carried(line)));
    const archive = await trove('import', '--dataset-arn', again, '--format', 'yolo', '--from', 's3://nowhere/none.tar');
    expect(archive.code).toBe(1);
    expect(archive.stderr).toMatch(/^trove import: ValidationException: The source s3:\/\/nowhere\/none\.tar cannot be read/m);
  });

  it('imports a local COCO file of more than 5 MB of lines as one revision, all or nothing', async () => {
    // Images in a bucket the store does not have are not checked, so 12,000 of them cost no reads.
    const cocoFile = (count: number, repeatFrom = count) => {
      const images = Array.from({ length: count }, (_, i) => ({ id: i + 1, file_name: `deep/folder/of/images/image-number-${i < repeatFrom ? i : i - repeatFrom}.jpg`, width: 1024, height: 768 }));
      const annotations = images.map((image) => ({ id: image.id, image_id: image.id, category_id: 1, bbox: [10.5, 20.25, 300, 200], iscrowd: 0, area: 60000, segmentation: [] }));
      return JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'widget' }] });
    };
    writeFileSync(join(work, 'big.json'), cocoFile(12_000));
    const client = server.rekognition();
    const target = await newDataset(client, [classificationLine('s3://photos/a.png', 'cat')]);
    const result = await trove('import', '--dataset-arn', target, '--format', 'coco', '--from', join(work, 'big.json'), '--images', 's3://elsewhere/', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ source: 'upload big.json', status: 'UPDATE_COMPLETE', stats: { TotalEntries: 12_001 } });
    const history = async () => (await new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }).call<{
      revisions: { revision: number; status: string; source?: string; counts: { linesReceived: number } }[];
    }>('GET', `/_trove/api/rekognition/datasets/${encodeURIComponent(target)}/revisions`)).revisions;
    expect((await history())[0]).toMatchObject({ revision: 3, status: 'COMPLETE', source: 'COCO upload big.json', counts: { linesReceived: 12_000 } });

    // 12,000 new images, then 4,000 repeating names of the first (a third of the lines in error):
    // sent in 5 MB changes, the first ones would have been applied; as one change, none is.
    const before = await entriesOf(target);
    writeFileSync(join(work, 'half-bad.json'), cocoFile(16_000, 12_000).replaceAll('image-number-', 'other-'));
    const failed = await trove('import', '--dataset-arn', target, '--format', 'coco', '--from', join(work, 'half-bad.json'), '--images', 's3://elsewhere/');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/: UPDATE_FAILED ERROR_TOO_MANY_RECORDS_IN_ERROR: .* 4000 of 16000 lines are in error/);
    expect(await entriesOf(target)).toEqual(before);
    expect((await history())[0]).toMatchObject({ revision: 4, status: 'FAILED', source: 'COCO upload half-bad.json' });
    expect(await server.trove.store.importUploads.tally()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('waits for a long import polling less and less often: the waits grow from 20 ms to a second', async () => {
    const client = server.rekognition();
    let described = 0;
    client.middlewareStack.add((next, context) => (args) => {
      if (context.commandName === 'DescribeDatasetCommand') described++;
      return next(args);
    }, { step: 'initialize', name: 'countDescribes' });
    const arn = await newDataset(client, [classificationLine('s3://photos/a.png', 'cat')]);
    server.trove.runner.pause();
    let done;
    try {
      await client.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: lines(classificationLine('s3://photos/b.png', 'dog')) } }));
      described = 0;
      done = settle(client, arn, IMPORT_POLLING);
      // A change held 3 seconds: polled every 20 ms, ~150 DescribeDataset; with the waits growing, ~17.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      server.trove.runner.resume();
    }
    expect((await done).Status).toBe('UPDATE_COMPLETE');
    expect(described).toBeGreaterThan(5);
    expect(described).toBeLessThan(30);
  });

  it('exports an AgentCore version as JSONL and CSV', async () => {
    const agentcore = server.agentcore();
    const { datasetId } = await agentcore.send(new CreateAgentCoreDataset({
      datasetName: `cli${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
      source: { inlineExamples: { examples: [{ exampleId: 'one', ...predefined('s1') }] } },
    }));
    await acSettled(agentcore, datasetId!);
    await agentcore.send(new CreateDatasetVersionCommand({ datasetId }));
    await acSettled(agentcore, datasetId!);
    expect(await trove('export', '--dataset-id', datasetId!, '--version', '1', '--format', 'jsonl', '--out', join(work, 'v1.jsonl'))).toMatchObject({ code: 0 });
    expect(readFileSync(join(work, 'v1.jsonl'), 'utf8')).toBe(`${JSON.stringify({ exampleId: 'one', ...predefined('s1') })}\n`);
    expect(await trove('export', '--dataset-id', datasetId!, '--format', 'csv', '--out', join(work, 'draft.csv'))).toMatchObject({ code: 0 });
    expect(readFileSync(join(work, 'draft.csv'), 'utf8').split('\r\n')[0]).toBe('exampleId,scenario_id,turns');
    const wrong = await trove('export', '--dataset-id', datasetId!, '--format', 'coco', '--out', join(work, 'x'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('trove export: --format must be jsonl or csv for an AgentCore dataset.\n');
  });

  it("syncs an AgentCore DRAFT from a JSONL file: dry run, the delete guard, --force, and idempotent re-runs", async () => {
    const agentcore = server.agentcore();
    const start = Array.from({ length: 20 }, (_, i) => ({ exampleId: `ex-${i}`, ...predefined(`s${i}`) }));
    const { datasetId } = await agentcore.send(new CreateAgentCoreDataset({
      datasetName: `sync${backend}`, schemaType: 'AGENTCORE_EVALUATION_PREDEFINED_V1', source: { inlineExamples: { examples: start } },
    }));
    await acSettled(agentcore, datasetId!);
    // The file: ex-0 changed, ex-1..ex-16 as they are (keys in another order), ex-17..19 missing, new-1 added.
    const file = join(work, 'sync.jsonl');
    const wanted = [
      { exampleId: 'ex-0', ...predefined('s0', 'a new question') },
      ...start.slice(1, 17).map((example: Example) => ({ turns: example.turns, scenario_id: example.scenario_id, exampleId: example.exampleId })),
      { exampleId: 'new-1', ...predefined('n1') },
    ];
    writeFileSync(file, wanted.map((example) => JSON.stringify(example)).join('\n') + '\n');

    const dry = await trove('sync', '--dataset-id', datasetId!, '--from', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('+ new-1\n~ ex-0\n- ex-17\n- ex-18\n- ex-19\n1 would be added, 1 updated, 3 deleted, 16 unchanged\n'
      + 'without --force the sync would stop: the sync would delete 3 of the dataset\'s 20 examples (more than 10%); check --from, or pass --force to delete them.\n');
    expect(await allExamples(agentcore, datasetId!)).toHaveLength(20);

    const refused = await trove('sync', '--dataset-id', datasetId!, '--from', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('would delete 3 of the dataset\'s 20 examples');
    expect(await allExamples(agentcore, datasetId!)).toHaveLength(20);

    const forced = await trove('sync', '--dataset-id', datasetId!, '--from', file, '--force', '--json');
    expect(JSON.parse(forced.stdout)).toMatchObject({ added: 1, updated: 1, deleted: 3, unchanged: 16 });
    const after = await allExamples(agentcore, datasetId!);
    expect(after.map((example) => example.exampleId).sort()).toEqual(wanted.map((example) => example.exampleId).sort());
    expect(after.find((example) => example.exampleId === 'ex-0')!.turns[0].input).toBe('a new question');

    const rerun = await trove('sync', '--dataset-id', datasetId!, '--from', file);
    expect(rerun.stdout).toBe('nothing to do: the DRAFT already equals the file (18 examples)\n');

    // A retried call carries the same client token and is applied once: replaying a whole plan changes nothing.
    writeFileSync(file, [...wanted, { exampleId: 'new-2', ...predefined('n2') }].map((example) => JSON.stringify(example)).join('\n'));
    const plan = await planSync(agentcore, datasetId!, await readLocal(file));
    const first = await applySync(agentcore, datasetId!, file, plan);
    const replay = await applySync(agentcore, datasetId!, file, plan);
    expect(replay.map((step) => step.clientToken)).toEqual(first.map((step) => step.clientToken));
    expect((await allExamples(agentcore, datasetId!)).filter((example) => example.exampleId === 'new-2')).toHaveLength(1);
    expect(await allExamples(agentcore, datasetId!)).toHaveLength(19);
  });
});
