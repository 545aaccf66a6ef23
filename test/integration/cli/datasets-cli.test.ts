import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateDatasetCommand, CreateProjectCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentEntries, emptyDataset, entriesAt, historyClient, update } from '../../harness/history.js';
import { classificationLine, detectionLine, settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const ref = (name: string) => `s3://bucket/cli/${name}.jpg`;

/**
 * `bin/trove datasets` is a client of the Trove API: the real executable against a real server.
 * The server side of every operation runs on both backends in test/integration/trove-api/; here
 * one backend serves the client's parsing, printing and exit codes.
 */
describe('bin/trove datasets', () => {
  let server: TestServer;
  let arn: string;
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
  const trove = (...args: string[]) => run(process.execPath, [BIN, 'datasets', ...args, '--endpoint', server.url], { env });
  const failing = (...args: string[]) => trove(...args).then(() => undefined, (error: { code: number; stdout: string; stderr: string }) => error);
  beforeAll(async () => {
    server = await startServer();
    const client = server.rekognition();
    arn = await emptyDataset(client, 'cli');
    await update(client, arn, ...Array.from({ length: 6 }, (_, i) => classificationLine(ref(`c${i}`), 'cat')), 'not json',
      detectionLine(ref('box'), [{ label: 'cat', left: 1, top: 1, width: 50, height: 50 }, { label: 'cat', left: -9, top: 1, width: 50, height: 50 }]));
  });
  afterAll(async () => server?.close());

  it('prints the history, a report and snapshots as short summaries, or the API answers with --json', async () => {
    const { stdout: table } = await trove('history', '--dataset-arn', arn);
    expect(table.split('\n')[0]).toMatch(/^REV\s+COMMITTED\s+OPERATION\s+STATUS/);
    expect(table).toMatch(/\n2\s+\S+\s+UpdateDatasetEntries\s+COMPLETE\s+test\s+8\s+1\s+7\s+0\s+0\s+0\s+1\s+7\s+-\n1\s+\S+\s+CreateDataset/);
    const { stdout: json } = await trove('history', '--dataset-arn', arn, '--json');
    expect(JSON.parse(json)).toEqual({ revisions: (await historyClient(server.url).listRevisions(arn)).revisions });

    const { stdout: report } = await trove('report', '--dataset-arn', arn, '--revision', '2');
    expect(report).toContain('8 lines, 1 dropped, 1 entry with errors');
    expect(report).toMatch(/line 7\s+dropped\s+INVALID_JSON/);
    expect(report).toMatch(/line 8\s+errors\s+ERROR_INVALID_BOUNDING_BOX\s+s3:\/\/bucket\/cli\/box\.jpg/);

    const { stdout: created } = await trove('snapshot', '--dataset-arn', arn, '--name', 'cli-v1');
    expect(created).toBe('snapshot cli-v1: revision 2, 7 entries\n');
    const { stdout: listed } = await trove('snapshots', '--dataset-arn', arn, '--json');
    expect(JSON.parse(listed).snapshots).toEqual([expect.objectContaining({ name: 'cli-v1', revision: 2 })]);
  });

  it('says that a failed change read no line, with its reason, rather than only counting 0 lines', async () => {
    const client = server.rekognition();
    const path = join(server.dataDir, 'buckets', 'cli-gone', 'gone.manifest');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, classificationLine(ref('g'), 'cat'));
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'cli-gone' }));
    server.trove.runner.pause();
    const { DatasetArn } = await client.send(new CreateDatasetCommand({
      ProjectArn, DatasetType: 'TRAIN', DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'cli-gone', Name: 'gone.manifest' } } },
    }));
    rmSync(path);
    server.trove.runner.resume();
    expect((await settled(client, DatasetArn!)).Status).toBe('CREATE_FAILED');
    const { stdout } = await trove('report', '--dataset-arn', DatasetArn!, '--revision', '1');
    expect(stdout).toContain('failed before reading any line: ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: '
      + 'The manifest file extension or contents are invalid: s3://cli-gone/gone.manifest no longer exists.\n');
  });

  it('diffs against a snapshot and restores it, waiting for the job', async () => {
    const client = server.rekognition();
    const history = historyClient(server.url);
    await history.createSnapshot(arn, 'cli-before').catch(() => undefined);
    const before = await entriesAt(history, arn, 'cli-before');
    await update(client, arn, classificationLine(ref('c0'), 'dog'), classificationLine(ref('new'), 'cat'));

    const { stdout: summary } = await trove('diff', '--dataset-arn', arn, '--from', 'cli-before');
    expect(summary.split('\n')).toEqual([
      'snapshot cli-before (revision 2) → revision 3',
      expect.stringMatching(/^~ s3:\/\/bucket\/cli\/c0\.jpg {2}\+dog -cat$/),
      expect.stringMatching(/^\+ s3:\/\/bucket\/cli\/new\.jpg {2}\+cat$/),
      '1 added, 0 removed, 1 changed',
      '',
    ]);
    const { stdout: json } = await trove('diff', '--dataset-arn', arn, '--from', '3', '--to', 'cli-before', '--json');
    const parsed = JSON.parse(json);
    expect(parsed.from).toEqual({ revision: 3 });
    expect(parsed.changes.map((c: { change: string }) => c.change).sort()).toEqual(['CHANGED', 'REMOVED']);

    const { stdout: restored } = await trove('restore', '--dataset-arn', arn, '--snapshot', 'cli-before', '--wait');
    expect(restored).toMatch(/^restored snapshot cli-before as revision 4: COMPLETE, 7 entries \(1 written back, 1 removed\)\n$/);
    expect(await currentEntries(client, arn)).toEqual(before);
  });

  it('exits non-zero with one clear line on failure', async () => {
    const unknownSnapshot = await failing('restore', '--dataset-arn', arn, '--snapshot', 'nope');
    expect(unknownSnapshot?.code).toBe(1);
    expect(unknownSnapshot?.stderr).toMatch(/^trove datasets: ResourceNotFoundException: The dataset \S+ has no snapshot named nope\.\n$/);
    const noArn = await failing('history');
    expect([noArn?.code, noArn?.stderr]).toEqual([1, 'trove datasets: --dataset-arn is required.\n']);
    const badRevision = await failing('report', '--dataset-arn', arn, '--revision', 'latest');
    expect(badRevision?.stderr).toBe('trove datasets: --revision must be a revision number, not "latest".\n');
    const unknown = await failing('rewind', '--dataset-arn', arn);
    expect(unknown?.stderr).toContain('unknown subcommand "rewind"');
  });

  it("prints what a dataset's writer chose (source-refs, messages) without the terminal escapes it may hold", async () => {
    const client = server.rekognition();
    // OSC 52 sets the clipboard of whoever reads the report in a terminal; CSI 2K erases a line.
    const ref = 's3://bucket/cli/\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2K\u202eboxed.jpg';
    const target = await emptyDataset(client, 'cli-escapes');
    await update(client, target, detectionLine(ref, [{ label: 'cat', left: -9, top: 1, width: 50, height: 50 }]), classificationLine(ref.replace('boxed', 'fine'), 'cat'));
    const { stdout } = await trove('report', '--dataset-arn', target, '--revision', '2');
    expect(stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(stdout).toContain('s3://bucket/cli/\\u001B]52;c;cm0gLXJmIH4=\\u0007\\u001B[2K\\u202Eboxed.jpg');
    const { stdout: json } = await trove('report', '--dataset-arn', target, '--revision', '2', '--json');
    expect(JSON.parse(json).items[0].sourceRef).toBe(ref);
  });
});
