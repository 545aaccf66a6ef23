/**
 * What the object-access check costs (issue 11): reading the 4 KB header of 2,000 images through
 * an ObjectReader bound to a credential with allow-lists and a bucket grant, against reading the
 * same bytes from the folder store directly, 32 reads in flight (the image checks' default), in
 * this process. Grants and credentials come from a real SQLite store, cached as in the server.
 * Also the folder store's own checks (lstat, realpath, non-blocking open, fstat) against a bare
 * open/read/close of the same files. Prints ratios per round, three rounds (target: <= 1.1 for
 * the access check; the folder store's checks are reported).
 *
 *   npx tsx bench/object-access.ts [--images 2000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CredentialService } from '../src/auth/credential-service.js';
import { BucketService } from '../src/buckets/bucket-service.js';
import { ObjectAccess } from '../src/buckets/object-access.js';
import { systemClock } from '../src/lib/clock.js';
import { mapConcurrent } from '../src/lib/map-concurrent.js';
import { FolderObjectStore } from '../src/object-store/folder-object-store.js';
import type { ObjectRef } from '../src/object-store/object-store.js';
import { createStore } from '../src/store/create-store.js';
import { png } from '../test/harness/images.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '2000' } } });
const IMAGES = Number(values.images);
const dir = mkdtempSync(join(tmpdir(), 'bench-access-'));
try {
  mkdirSync(join(dir, 'buckets', 'photos'), { recursive: true });
  const image = png(640, 480, { padding: 20_000 });
  const refs: ObjectRef[] = Array.from({ length: IMAGES }, (_, i) => ({ bucket: 'photos', key: `img-${i}.png` }));
  for (const ref of refs) writeFileSync(join(dir, 'buckets', ref.bucket, ref.key), image);
  const store = await createStore({ dataDir: dir, sqliteSynchronous: 'NORMAL' });
  const credentials = await CredentialService.open(store, Buffer.alloc(32, 1), systemClock);
  const key = await credentials.create({ account: '111111111111', allowActions: ['rekognition:*', 's3:GetObject'], allowResources: ['arn:aws:rekognition:*', 'arn:aws:s3:::photos/*'] });
  await new BucketService(store, systemClock).create('photos', '222222222222');
  await new BucketService(store, systemClock).grant('photos', '111111111111');
  const objects = new FolderObjectStore(join(dir, 'buckets'));
  const access = new ObjectAccess({ objects, buckets: store.buckets, credentials: store.credentials, localPairAllowed: false, cacheMs: 5_000, clock: systemClock });
  const reader = access.reader({ account: '111111111111', accessKeyId: key.accessKeyId });

  const time = async (read: (ref: ObjectRef) => Promise<unknown>) => {
    const start = performance.now();
    await mapConcurrent(refs, 32, read);
    return performance.now() - start;
  };
  await time((ref) => objects.readRange(ref, 0, 4096)); // warm the page cache
  for (let round = 1; round <= 3; round++) {
    const bare = await time(async (ref) => {
      const file = await open(join(dir, 'buckets', ref.bucket, ref.key));
      try {
        await file.read(Buffer.alloc(4096), 0, 4096, 0);
      } finally {
        await file.close();
      }
    });
    const raw = await time((ref) => objects.readRange(ref, 0, 4096));
    const checked = await time((ref) => reader.readRange(ref, 0, 4096));
    console.log(`round ${round}: ${IMAGES} header reads: bare fs ${bare.toFixed(0)} ms, folder store ${raw.toFixed(0)} ms (${(raw / bare).toFixed(2)}x), `
      + `through the access check ${checked.toFixed(0)} ms (${(checked / raw).toFixed(2)}x the folder store)`);
  }
  // The check alone, without any file I/O: what each read pays before it reaches the store.
  const requester = { account: '111111111111', accessKeyId: key.accessKeyId };
  for (let i = 0; i < 2000; i++) await access.decide(requester, refs[i % IMAGES], 'read');
  const start = performance.now();
  for (let i = 0; i < 100_000; i++) await access.decide(requester, refs[i % IMAGES], 'read');
  console.log(`the check alone: ${((performance.now() - start) * 1000 / 100_000).toFixed(1)} µs per read`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
