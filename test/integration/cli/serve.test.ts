import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateDatasetCommand, CreateProjectCommand, DescribeProjectsCommand, RekognitionClient, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnTrove } from '../../harness/process.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));

describe('bin/trove', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves until SIGTERM, shuts down cleanly, and keeps the data for the next start', async () => {
    const first = await spawnTrove(['--data-dir', dataDir]);
    expect(first.output()).toMatch(/Trove is listening on http:\/\/127\.0\.0\.1:\d+/);
    expect((await fetch(`${first.url}/_trove/health`)).status).toBe(200);
    const client = new RekognitionClient({ endpoint: first.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'persisted' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
    await settled(client, DatasetArn!);
    // A change accepted just before SIGTERM is finished, or resumed on the next start.
    await client.send(new UpdateDatasetEntriesCommand({ DatasetArn, Changes: { GroundTruth: lines(...Array.from({ length: 3000 }, (_, i) => classificationLine(`s3://bucket/s/${i}.jpg`, 'x'))) } }));
    expect(await first.stop('SIGTERM')).toBe(0);
    client.destroy();

    const second = await spawnTrove(['--data-dir', dataDir]);
    const again = new RekognitionClient({ endpoint: second.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    const { ProjectDescriptions } = await again.send(new DescribeProjectsCommand({ ProjectNames: ['persisted'] }));
    expect(ProjectDescriptions![0].ProjectArn).toBe(ProjectArn);
    expect((await settled(again, DatasetArn!)).DatasetStats?.TotalEntries).toBe(3000);
    expect(await second.stop('SIGINT')).toBe(0);
    again.destroy();
  });

  it('takes its settings from the environment, flags winning', async () => {
    // The data directory holds one project already: a quota of 1 from the flag refuses a second, 5 from the environment would not.
    const trove = await spawnTrove(['--data-dir', dataDir, '--max-projects', '1'], { TROVE_MAX_PROJECTS_PER_ACCOUNT: '5' });
    const client = new RekognitionClient({ endpoint: trove.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    await expect(client.send(new CreateProjectCommand({ ProjectName: 'second' }))).rejects.toMatchObject({ name: 'LimitExceededException' });
    client.destroy();
    await trove.stop();
  });

  it('explains bad flags and unknown commands, and prints help', async () => {
    const bad = await run(process.execPath, [BIN, 'serve', '--port', 'eighty']).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/--port \/ TROVE_PORT: not a port: eighty/) });
    const unknown = await run(process.execPath, [BIN, 'frobnicate']).catch((e: { code: number; stderr: string }) => e);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "frobnicate"/) });
    const help = await run(process.execPath, [BIN, 'help']);
    expect(help.stdout).toMatch(/serve[\s\S]*migrate[\s\S]*--data-dir\s+TROVE_DATA_DIR/);
    const migrate = await run(process.execPath, [BIN, 'migrate', '--data-dir', dataDir]);
    expect(migrate.stdout).toMatch(/up to date/);
  });
});
