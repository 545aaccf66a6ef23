import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketError, BucketService } from '../../../src/buckets/bucket-service.js';
import { keyPrefixesWithin, ObjectAccess, ObjectAccessDenied } from '../../../src/buckets/object-access.js';
import type { Requester } from '../../../src/buckets/object-access.js';
import { CredentialService } from '../../../src/auth/credential-service.js';
import { FolderObjectStore } from '../../../src/object-store/folder-object-store.js';
import { createStore } from '../../../src/store/create-store.js';
import type { Store } from '../../../src/store/store.js';

// The decision every object read (and, later, write) goes through, over a real SQLite store:
// owner, grants (read, read-write), allow-lists, disabled or deleted keys, jobs from before
// tenancy (no key id), and the local pair while no credential exists.

const A = '111111111111';
const B = '222222222222';
const clock = { now: () => Date.now() };
const ref = (bucket: string, key = 'k.png') => ({ bucket, key });

describe('object access decisions', () => {
  let dir: string;
  let store: Store;
  let buckets: BucketService;
  let credentials: CredentialService;
  let access: (localPairAllowed?: boolean) => ObjectAccess;
  const verdict = async (requester: Requester, bucket: string, operation: 'read' | 'write' = 'read', localPairAllowed = true) => {
    const denied = await access(localPairAllowed).decide(requester, ref(bucket), operation);
    return denied ? (denied.byAllowList ? 'denied by allow-list' : 'denied by bucket') : 'allowed';
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trove-access-'));
    store = await createStore({ dataDir: dir, sqliteSynchronous: 'NORMAL' });
    buckets = new BucketService(store, clock);
    credentials = await CredentialService.open(store, Buffer.alloc(32, 7), clock);
    access = (localPairAllowed = true) => new ObjectAccess({
      objects: new FolderObjectStore(dir), buckets: store.buckets, credentials: store.credentials, localPairAllowed, cacheMs: 0, clock,
    });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('while no credential exists, the local pair (and a job from before tenancy) reads and writes every bucket on loopback only', async () => {
    await buckets.create('owned', B);
    expect(await verdict({ account: '000000000000', accessKeyId: 'test' }, 'owned')).toBe('allowed');
    expect(await verdict({ account: '000000000000', accessKeyId: 'test' }, 'anything', 'write')).toBe('allowed');
    expect(await verdict({ account: '000000000000' }, 'owned')).toBe('allowed');
    expect(await verdict({ account: '000000000000', accessKeyId: 'test' }, 'owned', 'read', false)).toBe('denied by allow-list');
  });

  it('an owner reads and writes; a read grant reads; a read-write grant writes; nobody else does anything', async () => {
    const a = await credentials.create({ account: A });
    const b = await credentials.create({ account: B });
    await buckets.create('shared', B);
    const asA = { account: A, accessKeyId: a.accessKeyId };
    const asB = { account: B, accessKeyId: b.accessKeyId };
    expect([await verdict(asB, 'shared'), await verdict(asB, 'shared', 'write')]).toEqual(['allowed', 'allowed']);
    expect([await verdict(asA, 'shared'), await verdict(asA, 'shared', 'write')]).toEqual(['denied by bucket', 'denied by bucket']);
    await buckets.grant('shared', A, 'read');
    expect([await verdict(asA, 'shared'), await verdict(asA, 'shared', 'write')]).toEqual(['allowed', 'denied by bucket']);
    expect([await buckets.canRead(A, 'shared'), await buckets.canWrite(A, 'shared')]).toEqual([true, false]);
    await buckets.grant('shared', A, 'read-write');
    expect([await verdict(asA, 'shared'), await verdict(asA, 'shared', 'write')]).toEqual(['allowed', 'allowed']);
    expect(await buckets.canWrite(A, 'shared')).toBe(true);
    await buckets.revoke('shared', A);
    expect(await verdict(asA, 'shared')).toBe('denied by bucket');
    // Once credentials exist, the local pair is nobody, and an ownerless bucket is read by no one.
    expect(await verdict({ account: '000000000000', accessKeyId: 'test' }, 'shared')).toBe('denied by allow-list');
    expect(await verdict(asB, 'unregistered')).toBe('denied by bucket');
    expect(await verdict({ account: B }, 'shared')).toBe('allowed');
    expect(await verdict({ account: A }, 'shared')).toBe('denied by bucket');
  });

  it('allow-lists: s3:GetObject / s3:PutObject on arn:aws:s3:::bucket/key; a disabled, deleted or re-homed key reads nothing', async () => {
    await buckets.create('mine', A);
    const readOnly = await credentials.create({ account: A, allowActions: ['s3:GetObject'] });
    const prefixed = await credentials.create({ account: A, allowResources: ['arn:aws:s3:::mine/k*'] });
    const elsewhere = await credentials.create({ account: A, allowResources: ['arn:aws:s3:::mine/other/*'] });
    const as = (key: { accessKeyId: string }) => ({ account: A, accessKeyId: key.accessKeyId });
    expect([await verdict(as(readOnly), 'mine'), await verdict(as(readOnly), 'mine', 'write')]).toEqual(['allowed', 'denied by allow-list']);
    expect([await verdict(as(prefixed), 'mine'), await verdict(as(prefixed), 'mine', 'write')]).toEqual(['allowed', 'allowed']);
    expect(await verdict(as(elsewhere), 'mine')).toBe('denied by allow-list');
    const denial = await access().decide(as(elsewhere), ref('mine'), 'read');
    expect(denial).toBeInstanceOf(ObjectAccessDenied);
    expect(denial!.message).toBe(`s3://mine/k.png: Access key ${elsewhere.accessKeyId} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::mine/k.png, because its allow-list of resources does not include it.`);
    expect(denial!.reason).toBe('access-denied');
    expect(await verdict({ account: B, accessKeyId: readOnly.accessKeyId }, 'mine')).toBe('denied by allow-list');
    await credentials.setEnabled(readOnly.accessKeyId, false);
    expect(await verdict(as(readOnly), 'mine')).toBe('denied by allow-list');
    await credentials.delete(prefixed.accessKeyId);
    expect(await verdict(as(prefixed), 'mine')).toBe('denied by allow-list');
  });

  it('the reader refuses before touching the store: the same answer for an object that exists and one that does not', async () => {
    const b = await credentials.create({ account: B });
    const reader = access().reader({ account: B, accessKeyId: b.accessKeyId });
    const reasons = await Promise.all([reader.head(ref('mine', 'exists')), reader.openRead(ref('mine', 'absent')), reader.readRange(ref('mine'), 0, 1)]
      .map((read) => read.then(() => 'read', (e: ObjectAccessDenied) => e.message)));
    expect(new Set(reasons.map((m) => m.replace(/^s3:\/\/mine\/\S+: /, '')))).toEqual(new Set([
      'Access Denied: account 222222222222 may not read objects of the bucket mine (it is not the bucket\'s owner and has no grant on it).',
    ]));
  });

  it('refuses bad names and accounts, grants to the owner, and unknown grants', async () => {
    await expect(buckets.create('a/b', A)).rejects.toBeInstanceOf(BucketError);
    await expect(buckets.create('..', A)).rejects.toBeInstanceOf(BucketError);
    await expect(buckets.create('fine', '123')).rejects.toThrow(/12 digits/);
    await expect(buckets.create('mine', B)).rejects.toThrow(/registered already/);
    await expect(buckets.grant('mine', A)).rejects.toThrow(/owns mine/);
    await expect(buckets.revoke('mine', B)).rejects.toThrow(/has no grant/);
    await expect(buckets.delete('never-registered')).rejects.toThrow(/not registered/);
    // Assigning an owner drops the grant that account held: the owner needs none.
    await buckets.grant('mine', B);
    const reassigned = await buckets.assign('mine', B);
    expect([reassigned.owner, reassigned.grants]).toEqual([B, []]);
  });
});

describe('where resource patterns let a key write in a bucket', () => {
  it('reads the literal part of each pattern', () => {
    expect(keyPrefixesWithin(['*'], 'photos')).toEqual(['']);
    expect(keyPrefixesWithin(['arn:aws:s3:::photos/*'], 'photos')).toEqual(['']);
    expect(keyPrefixesWithin(['arn:aws:s3:::pho*'], 'photos')).toEqual(['']);
    expect(keyPrefixesWithin(['arn:aws:s3:::photos/train/*', 'arn:aws:s3:::photos/test/a?.png'], 'photos')).toEqual(['test/a', 'train/']);
    expect(keyPrefixesWithin(['arn:aws:s3:::photos/train/cat.png'], 'photos')).toEqual(['train/cat.png']);
    expect(keyPrefixesWithin(['arn:aws:s3:::other/*', 'arn:aws:rekognition:*:*:project/p/*'], 'photos')).toEqual([]);
    expect(keyPrefixesWithin(['arn:aws:s3:::photos/train/*', 'arn:aws:s3:::photos*'], 'photos')).toEqual(['']);
  });
});
