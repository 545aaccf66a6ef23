import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeProjectsCommand, ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newcomerEnv, runTrove } from '../../harness/process.js';
import { settled } from '../../harness/rekognition.js';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

// The README's "Data in two minutes" walkthrough, run as printed (only the endpoint is this
// server's), with the aws CLI, after `bin/trove demo`. Its subject is the text a newcomer pastes,
// so it runs on the default backend only, like the other aws CLI tests.

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const WALKTHROUGH = /### Data in two minutes\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(README)?.[1];

function awsCli(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const CLI = awsCli();
if (!CLI) console.warn('[README walkthrough] the aws CLI is not installed: skipped');

describe.skipIf(!CLI)('the README\'s first-dataset walkthrough', () => {
  let server: TestServer;
  let cwd: string;
  beforeAll(async () => {
    server = await startServer();
    // A checkout's working directory: .trove is the server's data directory.
    cwd = mkdtempSync(join(tmpdir(), 'trove-readme-'));
    symlinkSync(server.dataDir, join(cwd, '.trove'));
    const demo = await runTrove(['demo', '--endpoint', server.url, '--data-dir', server.dataDir], newcomerEnv());
    expect(demo.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('creates the dataset from the manifest, with the picture checked and the line listed', async () => {
    expect(WALKTHROUGH).toBeDefined();
    const script = WALKTHROUGH!.replaceAll('http://127.0.0.1:4599', server.url);
    const out = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['-e', '-c', script], { cwd, env: { ...process.env, ...newcomerEnv() }, timeout: 110_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    expect(out).toContain('CREATE_COMPLETE');
    expect(out).toContain('\\"class-name\\":\\"balloon\\"');
    const client = server.rekognition();
    const { ProjectDescriptions } = await client.send(new DescribeProjectsCommand({ ProjectNames: ['hello'] }));
    const DatasetArn = ProjectDescriptions![0].Datasets![0].DatasetArn!;
    expect((await settled(client, DatasetArn)).DatasetStats).toEqual({ TotalEntries: 1, LabeledEntries: 1, ErrorEntries: 0, TotalLabels: 1 });
    const [line] = (await client.send(new ListDatasetEntriesCommand({ DatasetArn }))).DatasetEntries!;
    expect(JSON.parse(line)).toMatchObject({ 'source-ref': 's3://hello/balloons.jpg', 'cl-metadata': { is_labeled: true } });
  }, 120_000);
});
