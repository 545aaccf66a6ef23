import { hashPayload } from '../../../src/auth/sigv4/canonical-request.js';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator, LOCAL_CREDENTIAL } from '../../../src/auth/authenticate.js';
import type { CredentialSecret } from '../../../src/auth/credential-service.js';
import { CredentialService } from '../../../src/auth/credential-service.js';
import { isLoopbackHost } from '../../../src/auth/loopback.js';
import { loadMasterKey, masterKeyFile, replaceKeyFile } from '../../../src/auth/master-key.js';
import { MasterKeyReloader } from '../../../src/auth/master-key-reload.js';
import { RateLimiter } from '../../../src/auth/rate-limiter.js';
import { acceptedRegions } from '../../../src/auth/regions.js';
import { SecretBox } from '../../../src/auth/secret-box.js';
import { requestHead } from '../../../src/auth/sigv4/verify.js';
import { createStore } from '../../../src/store/create-store.js';
import { signRequest } from '../../harness/sigv4.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trove-auth-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('secret box (AES-256-GCM)', () => {
  it('opens only with the same key and context, and detects tampering', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    const sealed = box.seal('wJalrXUtnFEMI', 'AKID1');
    expect(sealed.includes(Buffer.from('wJalrXUtnFEMI'))).toBe(false);
    expect(box.open(sealed, 'AKID1')).toBe('wJalrXUtnFEMI');
    expect(box.open(sealed, 'AKID2')).toBeUndefined();
    expect(new SecretBox(Buffer.alloc(32, 2)).open(sealed, 'AKID1')).toBeUndefined();
    const altered = Buffer.from(sealed);
    altered[20] ^= 1;
    expect(box.open(altered, 'AKID1')).toBeUndefined();
  });
});

describe('master key', () => {
  it('is created once in the data dir with mode 0600', () => {
    const dir = tempDir();
    const first = loadMasterKey({ dataDir: dir });
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ dataDir: dir }).key.equals(first.key)).toBe(true);
    expect(first.key).toHaveLength(32);
  });

  it('comes from TROVE_MASTER_KEY as hex or base64, and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(loadMasterKey({ dataDir: tempDir(), masterKey: hex }).key.toString('hex')).toBe(hex);
    expect(loadMasterKey({ dataDir: tempDir(), masterKey: Buffer.alloc(32, 7).toString('base64') }).key.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => loadMasterKey({ dataDir: tempDir(), masterKey: 'short' })).toThrow(/32-byte key/);
  });

  it('refuses a key file other users can read', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'master.key'), Buffer.alloc(32, 3).toString('base64'));
    chmodSync(join(dir, 'master.key'), 0o644);
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(/chmod 600/);
  });
});

describe('credential service', () => {
  it('stores secrets encrypted, and refuses to open with another master key', async () => {
    const dir = tempDir();
    const store = await createStore({ dataDir: dir, sqliteSynchronous: 'NORMAL' });
    try {
      const service = await CredentialService.open(store, Buffer.alloc(32, 1), { now: () => 1000 });
      const issued = await service.create({ account: '123456789012', allowActions: ['rekognition:*'] });
      expect(issued.accessKeyId).toMatch(/^TROV[A-Z2-7]{16}$/);
      expect(issued.secretAccessKey).toHaveLength(40);
      const row = await store.credentials.find(issued.accessKeyId);
      expect(row!.secretCiphertext.includes(Buffer.from(issued.secretAccessKey))).toBe(false);
      expect((await service.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
      expect(await service.list()).toEqual([expect.objectContaining({ accessKeyId: issued.accessKeyId, allowActions: ['rekognition:*'], enabled: true })]);
      expect(JSON.stringify(await service.list())).not.toContain(issued.secretAccessKey);
      await expect(service.create({ account: '12' })).rejects.toThrow(/12 digits/);
      await expect(service.create({ account: '123456789012', allowResources: ['nope'] })).rejects.toThrow(/not an ARN pattern/);
      await expect(CredentialService.open(store, Buffer.alloc(32, 2), { now: () => 1000 })).rejects.toThrow(/not the key this store's credentials were encrypted with/);
    } finally {
      await store.close();
    }
  });
});

describe('credential service keys of a running server (reload)', () => {
  it('takes new keys only when one opens the store, and keeps those it holds otherwise', async () => {
    const store = await createStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      const [oldKey, newKey, wrongKey] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
      const running = await CredentialService.open(store, oldKey, { now: () => 1000 });
      const issued = await running.create({ account: '123456789012' });
      await expect(running.useKeys(wrongKey, { keySource: 'the new file' })).rejects.toThrow(/the new file .* is not the key this store's credentials were encrypted with/);
      expect((await running.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
      // Before the rotation the new key alone opens nothing: refused; beside the old one (as previous) it is taken.
      await expect(running.useKeys(newKey)).rejects.toThrow(/not the key/);
      expect(await running.useKeys(newKey, { previousKey: oldKey })).toBe('previous');

      // rotate-master-key, run by another process on the same store.
      await (await CredentialService.open(store, oldKey, { now: () => 1000 })).rotateMasterKey(newKey);
      expect((await running.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
      expect(await running.useKeys(newKey)).toBe('current');
      // The old key alone opens nothing now: refused, and the keys held stay in use.
      await expect(running.useKeys(oldKey)).rejects.toThrow(/not the key/);
      expect(running.storeKey).toBe('current');
      expect((await running.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
    } finally {
      await store.close();
    }
  });

  it('retries a secret that did not open once onUnopened loaded new keys', async () => {
    const store = await createStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      const running = await CredentialService.open(store, Buffer.alloc(32, 1), { now: () => 1000 });
      const issued = await running.create({ account: '123456789012' });
      await (await CredentialService.open(store, Buffer.alloc(32, 1), { now: () => 1000 })).rotateMasterKey(Buffer.alloc(32, 2));
      expect(await running.lookup(issued.accessKeyId)).toBeUndefined();
      let asked = 0;
      running.onUnopened(async () => {
        asked++;
        await running.useKeys(Buffer.alloc(32, 2));
        return true;
      });
      expect((await running.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
      expect(asked).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('master key reloader (key file of a running server)', () => {
  it('tries a key file changed since a refused reload at once, and the refused file itself at most once a second', async () => {
    const dir = tempDir();
    const file = masterKeyFile(dir);
    const [oldKey, newKey, wrongKey] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
    replaceKeyFile(file, oldKey);
    const store = await createStore({ dataDir: dir, sqliteSynchronous: 'NORMAL' });
    try {
      const running = await CredentialService.open(store, oldKey, { now: () => 1000 });
      const issued = await running.create({ account: '123456789012' });
      const refusals: string[] = [];
      const logger = pino({ level: 'error' }, { write: (line: string) => refusals.push(line) });
      const reloader = new MasterKeyReloader(running, { dataDir: dir }, logger);
      expect(await reloader.reloadIfFileChanged()).toBe(false);
      // A wrong key put in the file: refused, and the same file is not read again straight away.
      replaceKeyFile(file, wrongKey);
      expect(await reloader.reloadIfFileChanged()).toBe(false);
      expect(refusals).toHaveLength(1);
      expect(await reloader.reloadIfFileChanged()).toBe(false);
      expect(refusals).toHaveLength(1);
      expect(running.storeKey).toBe('current');
      // The store rotated elsewhere, and the right key written over the wrong one: a secret that
      // does not open with the keys held reloads the changed file at once, and opens.
      await (await CredentialService.open(store, oldKey, { now: () => 1000 })).rotateMasterKey(newKey);
      replaceKeyFile(file, newKey);
      expect((await running.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
      // Refused again, unchanged: backed off.
      replaceKeyFile(file, wrongKey);
      expect(await reloader.reload('test')).toBe(false);
      expect(refusals).toHaveLength(2);
      expect(await reloader.reloadIfFileChanged()).toBe(false);
      expect(refusals).toHaveLength(2);
      expect((await running.lookup(issued.accessKeyId))?.secretAccessKey).toBe(issued.secretAccessKey);
    } finally {
      await store.close();
    }
  });
});

describe('authenticator', () => {
  const credential: CredentialSecret = {
    accessKeyId: 'TROVKEY', secretAccessKey: 'secret', account: '123456789012', enabled: true,
    allowActions: null, allowResources: null, description: null, createdAt: 0,
  };

  async function authenticate(options: { credentials: CredentialSecret[]; loopback: boolean; key: { accessKeyId: string; secretAccessKey: string } }) {
    const byId = new Map(options.credentials.map((c) => [c.accessKeyId, c]));
    const auth = new Authenticator({
      credentials: { lookup: async (id) => byId.get(id), count: async () => byId.size },
      clock: { now: () => Date.now() }, localPairAllowed: options.loopback, cacheMs: 1000,
      rateLimiter: new RateLimiter({ requestsPerSecond: 0, burst: 1 }, { now: () => Date.now() }), regions: acceptedRegions([]),
    });
    const signed = await signRequest('http://127.0.0.1:1', { method: 'POST', path: '/', headers: {}, body: '{}' }, { ...options.key, service: 'rekognition', region: 'eu-west-1' });
    const head = requestHead('POST', '/', Object.entries(signed.headers).flat());
    return (await auth.begin(head, 'rekognition')).finish(hashPayload(Buffer.from('{}')));
  }

  it('maps test/test to account 000000000000 on loopback while no credential exists', async () => {
    await expect(authenticate({ credentials: [], loopback: true, key: LOCAL_CREDENTIAL })).resolves.toMatchObject({ account: '000000000000', region: 'eu-west-1' });
    await expect(authenticate({ credentials: [], loopback: false, key: LOCAL_CREDENTIAL })).rejects.toMatchObject({ code: 'UnrecognizedClientException' });
    await expect(authenticate({ credentials: [credential], loopback: true, key: LOCAL_CREDENTIAL })).rejects.toThrow(/turned off once credentials exist/);
  });

  it('resolves stored credentials to their account and refuses disabled ones exactly as unknown ones', async () => {
    const key = { accessKeyId: 'TROVKEY', secretAccessKey: 'secret' };
    await expect(authenticate({ credentials: [credential], loopback: false, key })).resolves.toMatchObject({ account: '123456789012', accessKeyId: 'TROVKEY' });
    const disabled = await authenticate({ credentials: [{ ...credential, enabled: false }], loopback: false, key }).catch((e: unknown) => e);
    const unknown = await authenticate({ credentials: [], loopback: false, key }).catch((e: unknown) => e);
    expect(disabled).toMatchObject({ code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect(unknown).toMatchObject({ code: (disabled as Error & { code: string }).code, message: (disabled as Error).message });
    await expect(authenticate({ credentials: [credential], loopback: false, key: { ...key, secretAccessKey: 'wrong' } }))
      .rejects.toMatchObject({ code: 'InvalidSignatureException', httpStatus: 403 });
  });
});

describe('rate limiter (token bucket)', () => {
  it('grants a burst, then one token per 1/rate seconds, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ requestsPerSecond: 10, burst: 2 }, { now: () => now });
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBe(100);
    expect(limiter.take('b')).toBe(0);
    now += 100;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(100);
  });

  it('is off at 0 requests per second', () => {
    const limiter = new RateLimiter({ requestsPerSecond: 0, burst: 1 }, { now: () => 0 });
    for (let i = 0; i < 100; i++) expect(limiter.take('a')).toBe(0);
  });
});

describe('loopback', () => {
  it('knows which binds only this machine can reach', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });
});
