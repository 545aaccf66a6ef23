import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { Maintenance } from '../../../src/jobs/maintenance.js';
import { systemClock } from '../../../src/lib/clock.js';
import { createLogger } from '../../../src/observability/logger.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { newDataset } from '../../harness/exchange.js';
import { spawnTrove } from '../../harness/process.js';
import type { TroveProcess } from '../../harness/process.js';
import { settled } from '../../harness/rekognition.js';
import { eventually, startServer, TEST_CREDENTIALS, TEST_MASTER_KEY } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { coco, heldUpload, signedHeaders, trickled, uploadUrl } from '../../harness/uploads.js';

// An upload whose node crashed stops counting against the staging caps, and is swept, once its
// progress time is older than the abandoned-upload bound (3x --request-timeout-ms), not hours
// later; a live slow upload on another node keeps marking its progress and is never removed.
// Trove's own sweep removes one only after at least 10 minutes (upload-pace.ts
// orphanUploadRemovalMs); the sweeps here remove at the abandoned bound itself, so that its margin
// is what is tested.
// Nodes on the test run's real PostgreSQL: one a bin/trove process killed with SIGKILL.

const MIB = 1024 * 1024;
/** The request timeout of every node: an upload is abandoned 4.5 s after its last progress. */
const REQUEST_TIMEOUT_MS = 1500;
const LIMITS = { requestTimeoutMs: REQUEST_TIMEOUT_MS, bodyLimits: { importUpload: 4 * MIB }, importUploadStaging: { maxBytesPerAccount: 6 * MIB, maxBytes: 64 * MIB } };

describe.runIf(POSTGRES_SELECTED)('uploads abandoned by a crashed node (PostgreSQL, several nodes)', () => {
  let survivor: TestServer;
  let crashing: TroveProcess | undefined;
  let crashingDir: string;
  const exchange = (on: TestServer) => new ExchangeClient(new TroveApiClient({ endpoint: on.url, region: 'us-east-1', credentials: TEST_CREDENTIALS }));
  const staged = () => survivor.trove.store.importUploads.tally();
  const sweep = () => new Maintenance(survivor.trove.store, {
    intervalMs: 3_600_000, pageTokenTtlMs: 86_400_000, failedJobRetentionMs: 86_400_000, orphanUploadRemovalMs: 3 * REQUEST_TIMEOUT_MS,
  }, systemClock, createLogger('silent')).sweep();

  beforeAll(async () => {
    survivor = await startServer({ backend: 'postgres', imageChecks: { enabled: false }, ...LIMITS });
    crashingDir = mkdtempSync(join(tmpdir(), 'trove-crashing-'));
    crashing = await spawnTrove([
      '--database-url', survivor.databaseUrl!, '--data-dir', crashingDir, '--image-checks', 'off', '--request-timeout-ms', String(REQUEST_TIMEOUT_MS),
      '--import-upload-max-bytes', String(4 * MIB), '--import-upload-max-staged-bytes-per-account', String(6 * MIB), '--import-upload-max-staged-bytes', String(64 * MIB),
    ], { TROVE_MASTER_KEY: TEST_MASTER_KEY });
  });
  afterAll(async () => {
    await crashing?.stop('SIGKILL');
    survivor?.trove.runner.resume();
    await survivor?.close();
    rmSync(crashingDir, { recursive: true, force: true });
  });

  it('a crashed node\'s partial upload counts until its progress is 3x the request timeout old, then not, and the sweep on another node removes it', async () => {
    const [cut, next] = [await newDataset(survivor.rekognition()), await newDataset(survivor.rekognition())];
    survivor.trove.runner.pause();
    // On the node about to crash: 4 MiB announced (of the account's 6 MiB), 1.5 MiB sent, the first MiB staged.
    const held = await heldUpload(uploadUrl(crashing!.url, cut, 'cut.json'), TEST_CREDENTIALS, 4 * MIB, 1.5 * MIB);
    try {
      await eventually(async () => ((await staged()).bytes >= MIB ? true : undefined), 10_000, 'the first MiB staged');
      await crashing!.stop('SIGKILL');
    } finally {
      held.close();
    }
    const crashedAt = Date.now();
    expect(await staged()).toMatchObject({ uploads: 1, bytes: MIB });

    // Right after the crash it still counts (its node may only be slow): 4 MiB announced and 3 MiB more pass 6 MiB.
    const file = coco(19_000);
    expect(file.bytes).toBeGreaterThan(3 * MIB);
    const refused = await exchange(survivor).uploadImport(next, 'COCO', file).then(() => undefined, (error: TroveApiCallError) => error);
    expect([refused?.status, refused?.code]).toEqual([402, 'ServiceQuotaExceededException']);

    // Abandoned 4.5 s after its last progress: no longer counted, though still staged until a sweep.
    await sleep(Math.max(0, crashedAt + 3 * REQUEST_TIMEOUT_MS + 300 - Date.now()));
    expect((await exchange(survivor).uploadImport(next, 'COCO', file, 's3://photos/')).status).toBe('UPDATE_IN_PROGRESS');
    expect(await staged()).toMatchObject({ uploads: 2 });
    await sweep();
    expect(await staged()).toMatchObject({ uploads: 1, bytes: file.bytes });
    survivor.trove.runner.resume();
    expect((await settled(survivor.rekognition(), next)).Status).toBe('UPDATE_COMPLETE');
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('a live upload on another node that takes twice the abandoned bound is never swept, and imports', async () => {
    const other = await startServer({ backend: 'postgres', databaseUrl: survivor.databaseUrl, imageChecks: { enabled: false }, ...LIMITS });
    try {
      const arn = await newDataset(survivor.rekognition());
      const file = coco(8_000, 'slow');
      // 9 pieces 1,350 ms apart (each pause 0.9x the request timeout, the longest it may be): about 11 s on
      // the other node, while this one sweeps every 300 ms.
      const url = uploadUrl(other.url, arn, 'slow.json');
      url.searchParams.set('images', 's3://photos/');
      const headers = { ...await signedHeaders(url, TEST_CREDENTIALS, file.sha256), 'content-length': String(file.bytes) };
      let sweeping = true;
      const sweeps = (async () => {
        let count = 0;
        for (; sweeping; count++) {
          await sweep();
          await sleep(300);
        }
        return count;
      })();
      const answer = await trickled(url, file.body, headers, { pieces: 9, everyMs: 0.9 * REQUEST_TIMEOUT_MS });
      sweeping = false;
      expect(await sweeps).toBeGreaterThan(10);
      expect(answer.ms).toBeGreaterThan(2 * 3 * REQUEST_TIMEOUT_MS);
      expect(answer.status).toBe(202);
      expect(await settled(survivor.rekognition(), arn)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 8_000 } });
      expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    } finally {
      await other.close();
    }
  });
});
