import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveApiClient } from '../../../src/client/trove-api-client.js';
import { BACKENDS } from '../../harness/backends.js';
import { troveApiRejection as rejection } from '../../harness/trove-api.js';
import { startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { signedFetch } from '../../harness/sigv4.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));


describe.each(BACKENDS)('Trove API under /_trove/api (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  const client = (credentials = TEST_CREDENTIALS, region = 'eu-west-1') => new TroveApiClient({ endpoint: server.url, region, credentials });

  it('answers GetCallerIdentity for the local pair: account, region of the signature, no allow-lists', async () => {
    expect(await client().call('GET', '/_trove/api/caller')).toEqual({
      account: '000000000000', region: 'eu-west-1', accessKeyId: 'test', allowActions: null, allowResources: null,
    });
  });

  it('refuses unsigned requests, other signing services and unknown routes with modelled restJson errors', async () => {
    const unsigned = await fetch(`${server.url}/_trove/api/caller`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect((await unsigned.json() as { message: string }).message).toMatch(/\S/);

    // Signed for Rekognition: the credential scope names another service.
    const otherService = await signedFetch(`${server.url}/_trove/api/caller`, { method: 'GET' }, { service: 'rekognition' });
    expect(otherService.status).toBe(403);

    const unknown = await rejection(client().call('GET', '/_trove/api/no-such-thing'));
    expect([unknown.status, unknown.code]).toEqual([404, 'ResourceNotFoundException']);
    expect(unknown.message).toContain('GET /_trove/api/no-such-thing');
  });

  it('tells a restricted credential its allow-lists, and keeps its other limits', async () => {
    // Created last in this file: once a credential exists the local pair stops working on this server.
    const issued = await server.createCredential({
      account: '111122223333', allowActions: ['rekognition:List*'], allowResources: ['arn:aws:rekognition:*:111122223333:project/p/*'],
    });
    const restricted = client({ accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey }, 'us-west-2');
    expect(await restricted.call('GET', '/_trove/api/caller')).toEqual({
      account: '111122223333', region: 'us-west-2', accessKeyId: issued.accessKeyId,
      allowActions: ['rekognition:List*'], allowResources: ['arn:aws:rekognition:*:111122223333:project/p/*'],
    });
    const wrongSecret = await rejection(client({ accessKeyId: issued.accessKeyId, secretAccessKey: 'not-the-secret' }).call('GET', '/_trove/api/caller'));
    expect([wrongSecret.status, wrongSecret.code]).toEqual([403, 'InvalidSignatureException']);
  });
});

describe('bin/trove whoami', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('signs with the standard AWS environment variables and prints who they are', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'whoami', '--json', '--endpoint', server.url], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'ap-southeast-2' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ account: '000000000000', region: 'ap-southeast-2', accessKeyId: 'test' });
  });

  it('falls back to the local pair on a loopback endpoint, and fails in one line with the modelled error otherwise', async () => {
    const env = { ...process.env, HOME: '/nonexistent', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_REGION: '', AWS_DEFAULT_REGION: '' };
    const { stdout } = await run(process.execPath, [BIN, 'whoami', '--endpoint', server.url], { env });
    expect(stdout).toMatch(/account\s+000000000000/);
    expect(stdout).toMatch(/region\s+us-east-1/);

    const failed = await run(process.execPath, [BIN, 'whoami', '--endpoint', server.url], {
      env: { ...env, AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN', AWS_SECRET_ACCESS_KEY: 'x' },
    }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed?.stderr).toContain('UnrecognizedClientException');
  });
});
