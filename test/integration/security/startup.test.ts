import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTrove } from '../../harness/process.js';
import { TEST_CREDENTIALS } from '../../harness/server.js';

const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const run = promisify(execFile);
const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trove-startup-'));
  dirs.push(dir);
  return dir;
}

async function trove(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('bin/trove: credentials and a network bind', () => {
  it('refuses to listen on a non-loopback address while no credential exists, and says why', async () => {
    const dir = dataDir();
    await expect(spawnTrove(['--host', '0.0.0.0', '--data-dir', dir])).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0: it is not a loopback address and no credentials exist[\s\S]*trove credentials create/);
  });

  it('serves a network bind once a credential exists; test/test does not work there', async () => {
    const dir = dataDir();
    const created = await trove(['credentials', 'create', '--account', '123456789012', '--json', '--data-dir', dir]);
    expect(created.code).toBe(0);
    const issued = JSON.parse(created.stdout) as { accessKeyId: string; secretAccessKey: string; account: string };
    expect(Object.keys(issued).sort()).toEqual(['accessKeyId', 'account', 'secretAccessKey']);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);

    const listed = await trove(['credentials', 'list', '--json', '--data-dir', dir]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ accessKeyId: issued.accessKeyId, account: '123456789012', enabled: true })]);
    expect(listed.stdout).not.toContain(issued.secretAccessKey);

    const server = await spawnTrove(['--host', '0.0.0.0', '--data-dir', dir, '--log-level', 'info']);
    const endpoint = server.url.replace('0.0.0.0', '127.0.0.1');
    const client = new RekognitionClient({ endpoint, region: 'us-east-1', credentials: issued, maxAttempts: 1 });
    const local = new RekognitionClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      expect((await client.send(new DescribeProjectsCommand({}))).$metadata.httpStatusCode).toBe(200);
      await expect(local.send(new DescribeProjectsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      client.destroy();
      local.destroy();
      await server.stop();
    }
    // One log line per request names the access key, also of a refused request; secrets never appear.
    const requests = server.output().split('\n').filter((line) => line.includes('"msg":"request"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(requests).toEqual(expect.arrayContaining([
      expect.objectContaining({ accessKeyId: issued.accessKeyId, account: '123456789012', operation: 'DescribeProjects', status: 200 }),
      expect.objectContaining({ accessKeyId: 'test', status: 403 }),
    ]));
    expect(server.output()).not.toContain(issued.secretAccessKey);
    expect(server.output()).not.toMatch(/Signature=[0-9a-f]{64}/);

    expect((await trove(['credentials', 'disable', issued.accessKeyId, '--data-dir', dir])).stdout).toBe(`${issued.accessKeyId} disabled.\n`);
    expect((await trove(['credentials', 'delete', issued.accessKeyId, '--data-dir', dir])).code).toBe(0);
    const again = await trove(['credentials', 'delete', issued.accessKeyId, '--data-dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No credential has the access key id/);
  });

  it('validates what it is given', async () => {
    const dir = dataDir();
    const bad = await trove(['credentials', 'create', '--account', '42', '--allow', 'CreateProject', '--data-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/12 digits/);
  });

  it('encrypts with TROVE_MASTER_KEY and refuses to start with another key', async () => {
    const dir = dataDir();
    const keyA = 'a'.repeat(64);
    expect((await trove(['credentials', 'create', '--account', '123456789012', '--data-dir', dir], { TROVE_MASTER_KEY: keyA })).code).toBe(0);
    expect(() => statSync(join(dir, 'master.key'))).toThrow();
    await expect(spawnTrove(['--data-dir', dir], { TROVE_MASTER_KEY: 'b'.repeat(64) })).rejects.toThrow(/not the key this store's credentials were encrypted with/);
    const wrong = await trove(['credentials', 'list', '--data-dir', dir], { TROVE_MASTER_KEY: 'b'.repeat(64) });
    expect(wrong.code).toBe(1);
  });
});
