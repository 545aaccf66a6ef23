import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationLine, detectionLine } from '../../harness/rekognition.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const run = promisify(execFile);

function awsCliVersion(): string | undefined {
  try {
    return execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

const version = awsCliVersion();
if (!version) console.warn('aws CLI not installed: skipping the AWS CLI tests');

/**
 * The `aws` CLI (botocore reads only `__type` of an error) against a real Trove. Its subject is
 * botocore's reading of the wire, not storage, so it runs on the default backend only (each CLI
 * call costs a Python start-up); the SDK tests cover the same operations on every backend.
 */
describe.skipIf(!version)(`aws CLI (${version ?? 'absent'})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  async function aws(...args: string[]): Promise<Record<string, any>> {
    const { stdout } = await run('aws', ['rekognition', ...args, '--endpoint-url', server.url, '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'eu-central-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });
    return stdout.trim() ? JSON.parse(stdout) : {};
  }

  it('runs the dataset workflow end to end', async () => {
    const { ProjectArn } = await aws('create-project', '--project-name', 'cli-flowers');
    expect(ProjectArn).toMatch(/^arn:aws:rekognition:eu-central-1:000000000000:project\/cli-flowers\//);
    const { DatasetArn } = await aws('create-dataset', '--project-arn', ProjectArn, '--dataset-type', 'TRAIN');
    await eventually(async () => ((await aws('describe-dataset', '--dataset-arn', DatasetArn)).DatasetDescription.Status === 'CREATE_COMPLETE' ? true : undefined));
    // CLI v1 base64-encodes the raw text given for the blob member.
    const groundTruth = [classificationLine('s3://bucket/cli/1.jpg', 'rose'), detectionLine('s3://bucket/cli/2.jpg', [{ label: 'tulip', left: 5, top: 5, width: 50, height: 50 }])].join('\n');
    await aws('update-dataset-entries', '--dataset-arn', DatasetArn, '--changes', JSON.stringify({ GroundTruth: groundTruth }));
    const described = await eventually(async () => {
      const d = (await aws('describe-dataset', '--dataset-arn', DatasetArn)).DatasetDescription;
      return d.Status === 'UPDATE_COMPLETE' ? d : undefined;
    });
    expect(described.DatasetStats).toEqual({ LabeledEntries: 2, TotalEntries: 2, TotalLabels: 2, ErrorEntries: 0 });
    expect(typeof described.CreationTimestamp).toBe('number');
    const { DatasetEntries } = await aws('list-dataset-entries', '--dataset-arn', DatasetArn, '--contains-labels', 'tulip');
    expect(DatasetEntries.map((line: string) => JSON.parse(line)['source-ref'])).toEqual(['s3://bucket/cli/2.jpg']);
    // The CLI's own paginator walks every page (page size 1 here).
    const all = await aws('list-dataset-entries', '--dataset-arn', DatasetArn, '--page-size', '1');
    expect(all.DatasetEntries).toHaveLength(2);
    const labels = await aws('list-dataset-labels', '--dataset-arn', DatasetArn);
    expect(labels.DatasetLabelDescriptions.map((d: { LabelName: string }) => d.LabelName)).toEqual(['rose', 'tulip']);
    const projects = await aws('describe-projects', '--project-names', 'cli-flowers');
    expect(projects.ProjectDescriptions[0].Datasets[0].DatasetArn).toBe(DatasetArn);
    // About ten CLI processes, each starting Python and botocore: seconds apiece on a busy machine.
  }, 180_000);

  it('prints the modelled error name botocore parsed from __type', async () => {
    const failure = await aws('describe-dataset', '--dataset-arn', 'arn:aws:rekognition:eu-central-1:000000000000:project/none/dataset/train/1').catch((e: { stderr: string }) => e);
    expect((failure as { stderr: string }).stderr).toMatch(/\(ResourceNotFoundException\) when calling the DescribeDataset operation/);
    const invalid = await aws('create-project', '--project-name', 'bad name').catch((e: { stderr: string }) => e);
    expect((invalid as { stderr: string }).stderr).toMatch(/\(InvalidParameterException\).*projectName/);
  });
});
