import { createHash } from 'node:crypto';
import { UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedCredential } from '../../../src/auth/credential-service.js';
import { ExchangeClient } from '../../../src/client/exchange-client.js';
import { JobsClient } from '../../../src/client/jobs-client.js';
import { TroveApiCallError, TroveApiClient } from '../../../src/client/trove-api-client.js';
import { REQUEST_LET_GO } from '../../../src/domain/jobs/retry-refusal.js';
import { BACKENDS } from '../../harness/backends.js';
import { newDataset } from '../../harness/exchange.js';
import { rawSql } from '../../harness/raw-sql.js';
import { classificationLine, lines, settled } from '../../harness/rekognition.js';
import { eventually, startServer, TEST_CREDENTIALS } from '../../harness/server.js';
import { recordTransactionStatements } from '../../harness/statements.js';
import { coco, heldUpload, signedHeaders, uploadUrl } from '../../harness/uploads.js';
import type { Signer } from '../../harness/uploads.js';
import type { TestServer } from '../../harness/server.js';

// Byte caps on what callers make the store keep (docs/security.md): uploads staged at once
// (UploadDatasetImport, per account and in all) and failed jobs' requests kept for RetryJob.
// Real server, SigV4-signed calls (bin/trove's client, a hand-signed chunked upload), the
// official Rekognition SDK for the changes.

const KIB = 1024;
/** Where imported images are said to be (image checks are off: they are not read). */
const IMAGES = 's3://photos/';

async function refusal(call: Promise<unknown>): Promise<TroveApiCallError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  return error as TroveApiCallError;
}

describe.each(BACKENDS)('staged uploads: capped per account and in all (%s)', (backend) => {
  let server: TestServer;
  let owner: IssuedCredential;
  let other: IssuedCredential;
  let third: IssuedCredential;
  const exchange = (who = owner) => new ExchangeClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: who }));
  const rekognition = (who = owner) => server.rekognition({ credentials: who });
  const staged = () => server.trove.store.importUploads.tally();
  // coco(5000), 830 KB: one fits an account's 1.5 MiB, two do not; coco(3000), 500 KB: 830 KB and one fit, not two.
  const large = coco(5000);

  beforeAll(async () => {
    server = await startServer({
      backend, bodyLimits: { importUpload: 1024 * KIB }, imageChecks: { enabled: false },
      importUploadStaging: { maxBytesPerAccount: 1536 * KIB, maxBytes: 2048 * KIB },
    });
    owner = await server.createCredential({ account: '111111111111' });
    other = await server.createCredential({ account: '222222222222' });
    third = await server.createCredential({ account: '333333333333' });
  });
  // A test that failed with the runner paused does not stall the next.
  afterEach(() => server.trove.runner.resume());
  afterAll(async () => server?.close());

  it('refuses the upload that would pass the account cap before reading it (announced) or once it passes (chunked); accepts it after the first has finished', async () => {
    const client = rekognition();
    const [first, second] = [await newDataset(client), await newDataset(client)];
    // Paused: an accepted upload stays staged, waiting for its job.
    server.trove.runner.pause();
    await exchange().uploadImport(first, 'COCO', large, IMAGES);
    expect(await staged()).toMatchObject({ uploads: 1, bytes: large.bytes });

    const over = await refusal(exchange().uploadImport(second, 'COCO', coco(5000)));
    expect([over.status, over.code]).toEqual([402, 'ServiceQuotaExceededException']);
    expect(over.message).toContain(`would pass the ${1536 * KIB} bytes of uploads your account may have staged at once (--import-upload-max-staged-bytes-per-account; ${large.bytes} bytes of yours are staged`);
    const chunked = await signedUpload(server, owner, second, coco(5000).body);
    expect([chunked.status, chunked.type]).toEqual([402, 'ServiceQuotaExceededException']);
    expect(chunked.message).toContain('--import-upload-max-staged-bytes-per-account');
    expect(await staged()).toMatchObject({ uploads: 1, bytes: large.bytes });

    server.trove.runner.resume();
    expect((await settled(client, first)).Status).toBe('UPDATE_COMPLETE');
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
    expect((await exchange().uploadImport(second, 'COCO', coco(5000), IMAGES)).status).toBe('UPDATE_IN_PROGRESS');
    expect((await settled(client, second)).Status).toBe('UPDATE_COMPLETE');
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it.each(['announced', 'chunked'] as const)('two uploads racing for the last room (%s): one is refused, the other imported, nothing left staged', async (how) => {
    const client = rekognition();
    const [first, a, b] = [await newDataset(client), await newDataset(client), await newDataset(client)];
    server.trove.runner.pause();
    await exchange().uploadImport(first, 'COCO', large, IMAGES);
    const send = (arn: string, prefix: string) => (how === 'announced'
      ? exchange().uploadImport(arn, 'COCO', coco(3000, prefix)).then(() => 202, (error: TroveApiCallError) => error.status)
      : signedUpload(server, owner, arn, coco(3000, prefix).body).then((answer) => answer.status));
    const answers = await Promise.all([send(a, 'a'), send(b, 'b')]);
    expect(answers.sort()).toEqual([202, 402]);
    expect(await staged()).toMatchObject({ uploads: 2, bytes: large.bytes + coco(3000, 'a').bytes });
    server.trove.runner.resume();
    for (const arn of [first, a, b]) await settled(client, arn);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it("another account's staged bytes do not count against yours; the store-wide cap counts everyone's", async () => {
    const mine = await newDataset(rekognition());
    const theirs = await newDataset(rekognition(other));
    const thirds = await newDataset(rekognition(third));
    server.trove.runner.pause();
    await exchange().uploadImport(mine, 'COCO', large, IMAGES);
    // Its own account has room: accepted though the first account's cap is nearly reached.
    expect((await exchange(other).uploadImport(theirs, 'COCO', coco(5000, 'theirs'))).status).toBe('UPDATE_IN_PROGRESS');
    expect(await server.trove.store.importUploads.tally('222222222222')).toMatchObject({ uploads: 1 });
    // 1.62 MB staged: a third account's 500 KB would pass the 2 MiB the store allows.
    const full = await refusal(exchange(third).uploadImport(thirds, 'COCO', coco(3000, 'third')));
    expect([full.status, full.code]).toEqual([402, 'ServiceQuotaExceededException']);
    // Other tenants' staged bytes are not told (they could be measured by probing near the cap).
    expect(full.message).toContain(`the ${2048 * KIB} bytes of uploads this server may have staged at once (--import-upload-max-staged-bytes):`);
    expect(full.message).not.toMatch(/bytes (of yours )?are staged/);
    expect(await staged()).toMatchObject({ uploads: 2 });
    server.trove.runner.resume();
    await settled(rekognition(), mine);
    await settled(rekognition(other), theirs);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it('counts the bytes an upload staged by a node on the release before migration 0034 holds (it writes no claimed_bytes) against the store-wide cap', async () => {
    const mine = await newDataset(rekognition());
    // Another account's 1.5 MiB staged by an older node, live: with the 830 KB below it passes the store's 2 MiB.
    const now = Date.now();
    await rawSql(server, 'INSERT INTO import_uploads (account, bytes, reserved_bytes, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      ['222222222222', 1536 * KIB, 1536 * KIB, now, now]);
    try {
      const full = await refusal(exchange().uploadImport(mine, 'COCO', coco(5000, 'mixed'), IMAGES));
      expect([full.status, full.code]).toEqual([402, 'ServiceQuotaExceededException']);
      expect(full.message).toContain('(--import-upload-max-staged-bytes):');
    } finally {
      await rawSql(server, 'DELETE FROM import_uploads WHERE account = ?', ['222222222222']);
    }
    await settled(rekognition(), mine);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });

  it("an upload that announces much and sends little holds its own account's room, not the store's", async () => {
    const mine = await newDataset(rekognition());
    const theirs = await newDataset(rekognition(other));
    const [thirds, thirdsToo] = [await newDataset(rekognition(third)), await newDataset(rekognition(third))];
    server.trove.runner.pause();
    // The third account announces the largest upload (1 MiB) and sends 1 KiB, then holds its connection open.
    const held = await heldUpload(uploadUrl(server.url, thirds, 'held.json'), third, 1024 * KIB, KIB);
    try {
      await eventually(async () => ((await server.trove.store.importUploads.tally('333333333333')).uploads === 1 ? true : undefined), 10_000, 'the held upload');
      // Two other accounts' 830 KB each arrive whole: 1.66 MB of the store's 2 MiB (with the
      // announced MiB counted store-wide as well, the second would be refused).
      expect((await exchange().uploadImport(mine, 'COCO', large, IMAGES)).status).toBe('UPDATE_IN_PROGRESS');
      expect((await exchange(other).uploadImport(theirs, 'COCO', coco(5000, 'theirs'), IMAGES)).status).toBe('UPDATE_IN_PROGRESS');
      // Its own account's cap counts what it announced: 1 MiB and 830 KB more pass its 1.5 MiB.
      const own = await refusal(exchange(third).uploadImport(thirdsToo, 'COCO', coco(5000, 'third')));
      expect([own.status, own.code]).toEqual([402, 'ServiceQuotaExceededException']);
      expect(own.message).toContain('--import-upload-max-staged-bytes-per-account; 1048576 bytes of yours are staged');
    } finally {
      held.close();
    }
    await eventually(async () => ((await server.trove.store.importUploads.tally('333333333333')).uploads === 0 ? true : undefined), 10_000, 'the held upload to go');
    server.trove.runner.resume();
    await settled(rekognition(), mine);
    await settled(rekognition(other), theirs);
    expect(await staged()).toEqual({ uploads: 0, pieces: 0, bytes: 0 });
  });


});

describe.each(BACKENDS)("failed jobs' kept requests: capped per account and in all, the oldest let go first (%s)", (backend) => {
  let server: TestServer;
  const accounts: Record<string, IssuedCredential> = {};
  /** About 30 KB of lines: caps below are counted in such changes. */
  const change = (tag: string) => lines(...Array.from({ length: 40 }, (_, i) => classificationLine(`s3://photos/${tag}-${'x'.repeat(600)}-${i}.png`, 'cat')));
  const CHANGE = change('111111111111').length;
  const jobs = (account: string) => new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: accounts[account] }));
  const keptPieces = async (jobId: number) => Number((await rawSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM job_bodies WHERE job_id = ?', [jobId])).rows[0].n);

  /** A change of `account`'s new dataset, queued and cancelled: a failed job keeping its request. */
  async function failedChange(account: string, rekognition: RekognitionClient, arn: string): Promise<number> {
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: change(account) } }));
    const queued = (await jobs(account).all()).find((job) => job.resources.includes(arn) && job.state === 'QUEUED')!;
    expect((await jobs(account).cancel(queued.jobId)).state).toBe('CANCELLED');
    return queued.jobId;
  }

  beforeAll(async () => {
    // Per account: two changes fit, a third does not; in all: four fit, a fifth does not.
    server = await startServer({
      backend, imageChecks: { enabled: false },
      jobs: { pollMs: 50, maxKeptFailedBytesPerAccount: Math.floor(2.5 * CHANGE), maxKeptFailedBytes: Math.floor(4.5 * CHANGE) },
    });
    for (const account of ['111111111111', '222222222222', '333333333333']) accounts[account] = await server.createCredential({ account });
  });
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
  });

  it('keeps the newest: the oldest kept request goes first, listed not retryable, and RetryJob refuses it with the reason', async () => {
    const datasets = async (account: string, count: number) => {
      const rekognition = server.rekognition({ credentials: accounts[account] });
      const arns = [];
      for (let i = 0; i < count; i++) arns.push(await newDataset(rekognition));
      return { rekognition, arns };
    };
    const a = await datasets('111111111111', 3);
    const b = await datasets('222222222222', 1);
    const c = await datasets('333333333333', 2);
    server.trove.runner.pause();
    const state = async (account: string, jobId: number) => {
      const job = (await jobs(account).all(['FAILED'])).find((listed) => listed.jobId === jobId)!;
      return { retryable: job.retryable, retryRefusal: job.retryRefusal ?? null, pieces: await keptPieces(jobId) };
    };
    const KEPT = { retryable: true, retryRefusal: null, pieces: 1 };
    const LET_GO = { retryable: false, retryRefusal: REQUEST_LET_GO, pieces: 0 };

    const [a1, a2] = [await failedChange('111111111111', a.rekognition, a.arns[0]), await failedChange('111111111111', a.rekognition, a.arns[1])];
    expect([await state('111111111111', a1), await state('111111111111', a2)]).toEqual([KEPT, KEPT]);
    // A third of the same account passes its cap: its oldest goes.
    const a3 = await failedChange('111111111111', a.rekognition, a.arns[2]);
    expect([await state('111111111111', a1), await state('111111111111', a2), await state('111111111111', a3)]).toEqual([LET_GO, KEPT, KEPT]);
    const refused = await refusal(jobs('111111111111').retry(a1));
    expect([refused.status, refused.code, refused.message]).toEqual([409, 'ConflictException', `Job ${a1} (rekognition.update-entries) cannot be retried. ${REQUEST_LET_GO}`]);
    // A RetryJob that read a1's note before it was let go finds no request to queue when it
    // requeues (rolled back here): not a change queued without its lines.
    let requeued: boolean | undefined;
    await server.trove.store.transaction(async (tx) => {
      requeued = await tx.jobs.requeueFailed(a1, {}, Date.now());
      throw new Error('roll back');
    }).catch((error: Error) => expect(error.message).toBe('roll back'));
    expect(requeued).toBe(false);

    // Another account's failure does not count against the first's cap: nothing of it goes.
    const b1 = await failedChange('222222222222', b.rekognition, b.arns[0]);
    const c1 = await failedChange('333333333333', c.rekognition, c.arns[0]);
    expect([await state('111111111111', a2), await state('111111111111', a3), await state('222222222222', b1), await state('333333333333', c1)])
      .toEqual([KEPT, KEPT, KEPT, KEPT]);
    // A fifth kept request passes the store-wide cap: the oldest kept anywhere goes (the first account's).
    const c2 = await failedChange('333333333333', c.rekognition, c.arns[1]);
    expect([await state('111111111111', a2), await state('111111111111', a3), await state('222222222222', b1), await state('333333333333', c1), await state('333333333333', c2)])
      .toEqual([LET_GO, KEPT, KEPT, KEPT, KEPT]);

    // What is kept still runs again.
    server.trove.runner.resume();
    expect((await jobs('333333333333').retry(c2)).state).toBe('QUEUED');
    expect((await settled(c.rekognition, c.arns[1])).Status).toBe('UPDATE_COMPLETE');
  });
});

describe.each(BACKENDS)("finished jobs' stored requests: removed after the result is visible, counted against no cap meanwhile (%s)", (backend) => {
  let server: TestServer;
  let account: IssuedCredential;
  const change = (tag: string) => lines(...Array.from({ length: 40 }, (_, i) => classificationLine(`s3://photos/${tag}-${'x'.repeat(600)}-${i}.png`, 'cat')));
  const CHANGE = change('a').length;
  const jobs = () => new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: account }));
  const pieces = async (jobId: number) => Number((await rawSql<{ n: number }>(server, 'SELECT COUNT(*) AS n FROM job_bodies WHERE job_id = ?', [jobId])).rows[0].n);

  beforeAll(async () => {
    // One kept request fits the account's cap; two do not.
    server = await startServer({ backend, imageChecks: { enabled: false }, jobs: { pollMs: 50, maxKeptFailedBytesPerAccount: Math.floor(1.5 * CHANGE) } });
    account = await server.createCredential({ account: '444444444444' });
  });
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
  });

  it('a finished change\'s pieces go once it is complete; left behind by a crash, they count against nothing and the sweep removes them', async () => {
    const rekognition = server.rekognition({ credentials: account });
    const [done, failing] = [await newDataset(rekognition), await newDataset(rekognition)];
    server.trove.runner.pause();
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: done, Changes: { GroundTruth: change('done') } }));
    const { jobId } = (await jobs().all()).find((job) => job.resources.includes(done))!;
    expect(await pieces(jobId)).toBe(1);
    const recorded = recordTransactionStatements();
    try {
      server.trove.runner.resume();
      expect(await settled(rekognition, done)).toMatchObject({ Status: 'UPDATE_COMPLETE', DatasetStats: { TotalEntries: 40 } });
      // Removed in its own statement after the publishing commit (JobsRepository.finish), shortly after.
      await eventually(async () => ((await pieces(jobId)) === 0 ? true : undefined), 10_000, 'the finished job\'s pieces to go');
    } finally {
      recorded.stop();
    }
    const publishing = recorded.transactions.filter((statements) => statements.some((sql) => /^DELETE FROM jobs WHERE/.test(sql)));
    expect(publishing).toHaveLength(1);
    expect(publishing[0].filter((sql) => /job_bodies/.test(sql))).toEqual([]);

    // The crash window: the finish committed, the process died before the removal. Its pieces,
    // larger than the account's cap, are held by no job and no failed job's note.
    await rawSql(server, 'INSERT INTO job_bodies (job_id, seq, body) VALUES (?, 0, ?)', [jobId, Buffer.alloc(2 * CHANGE, 7)]);
    // A failed change of the same account is still kept: the left-over pieces are counted nowhere.
    server.trove.runner.pause();
    await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: failing, Changes: { GroundTruth: change('failing') } }));
    const queued = (await jobs().all()).find((job) => job.resources.includes(failing) && job.state === 'QUEUED')!;
    expect((await jobs().cancel(queued.jobId)).state).toBe('CANCELLED');
    expect((await jobs().all(['FAILED'])).find((job) => job.jobId === queued.jobId)).toMatchObject({ retryable: true });
    expect(await pieces(queued.jobId)).toBe(1);
    server.trove.runner.resume();

    // A queued job's pieces (one not due for an hour) are held by its row.
    const open = await server.trove.store.jobs.enqueue({ kind: 'test.not-due', payloadVersion: 1, resource: 'r', payload: {}, body: Buffer.from('lines'), runAfter: Date.now() + 3_600_000, createdAt: Date.now() });

    // The sweep removes the left-over pieces, and only those: the kept request and the queued one stay.
    await server.trove.maintenance.sweep();
    expect([await pieces(jobId), await pieces(queued.jobId), await pieces(open)]).toEqual([0, 1, 1]);
  });
});

describe.each(BACKENDS)("failed jobs' kept requests of no account (a resource that is no ARN): the oldest let go first too (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
    server.trove.runner.pause();
  });
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
  });

  it("counts requests noted with no account together, and lets the oldest of them go, not the newest", async () => {
    const store = server.trove.store;
    const body = Buffer.alloc(1000, 7);
    const keep = { caps: { perAccount: 2500, total: 1_000_000 }, letGo: 'let go to stay under the cap' };
    const failed = async (resource: string) => {
      const now = Date.now();
      const id = await store.transaction((tx) => tx.jobs.enqueue({ kind: 'test.kept', payloadVersion: 1, resource, payload: {}, body, runAfter: now, createdAt: now }));
      expect((await store.transaction((tx) => tx.jobs.claimById(id, 'tester', now, 60_000)))?.id).toBe(id);
      // What JobRunner notes for a job whose resource is no ARN: accountOf answers ''.
      expect(await store.transaction((tx) => tx.jobs.finish(id, 'tester', { at: now, attempts: 1, keepBody: true, account: '', keep }))).toBe(true);
      return id;
    };
    const ids = [await failed('trove:no-arn-1'), await failed('trove:no-arn-2'), await failed('trove:no-arn-3')];
    const kept = async (jobId: number) => Number((await rawSql<{ kept_bytes: number }>(server, 'SELECT kept_bytes FROM failed_jobs WHERE job_id = ?', [jobId])).rows[0].kept_bytes) > 0;
    // Two fit the 2,500 bytes, a third does not: the oldest goes.
    expect([await kept(ids[0]), await kept(ids[1]), await kept(ids[2])]).toEqual([false, true, true]);
  });
});

describe.each(BACKENDS)("failed jobs' kept requests: past the store-wide cap, the account holding the most lets go first (%s)", (backend) => {
  let server: TestServer;
  const accounts: Record<string, IssuedCredential> = {};
  const change = (tag: string, count = 40) => lines(...Array.from({ length: count }, (_, i) => classificationLine(`s3://photos/${tag}-${'x'.repeat(600)}-${i}.png`, 'cat')));
  const CHANGE = change('111111111111').length;
  const jobs = (account: string) => new JobsClient(new TroveApiClient({ endpoint: server.url, region: 'us-east-1', credentials: accounts[account] }));

  beforeAll(async () => {
    // Per account: three changes fit; in all: four fit, a fifth does not.
    server = await startServer({
      backend, imageChecks: { enabled: false },
      jobs: { pollMs: 50, maxKeptFailedBytesPerAccount: Math.floor(3.5 * CHANGE), maxKeptFailedBytes: Math.floor(4.5 * CHANGE) },
    });
    for (const account of ['111111111111', '222222222222', '333333333333']) accounts[account] = await server.createCredential({ account });
  });
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
  });

  it("a tenant within its share keeps its retries however old; the store-wide total is summed once however many go", async () => {
    const datasets: Record<string, string[]> = {};
    for (const [account, count] of [['111111111111', 3], ['222222222222', 1], ['333333333333', 1]] as const) {
      datasets[account] = [];
      for (let i = 0; i < count; i++) datasets[account].push(await newDataset(server.rekognition({ credentials: accounts[account] })));
    }
    const failed = async (account: string, lineCount = 40) => {
      const rekognition = server.rekognition({ credentials: accounts[account] });
      const arn = datasets[account].shift()!;
      await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: arn, Changes: { GroundTruth: change(account, lineCount) } }));
      const queued = (await jobs(account).all()).find((job) => job.resources.includes(arn) && job.state === 'QUEUED')!;
      expect((await jobs(account).cancel(queued.jobId)).state).toBe('CANCELLED');
      return queued.jobId;
    };
    const retryable = async (account: string, jobId: number) => (await jobs(account).all(['FAILED'])).find((listed) => listed.jobId === jobId)!.retryable;
    server.trove.runner.pause();
    // The second account's one kept request is the oldest of all; the first account keeps three.
    const b1 = await failed('222222222222');
    const [a1, a2, a3] = [await failed('111111111111'), await failed('111111111111'), await failed('111111111111')];
    // A third account's request of two changes' size passes the store-wide cap by one and a half:
    // the first account, holding the most, lets its two oldest go; the oldest of all stays.
    const recorded = recordTransactionStatements();
    let c1: number;
    try {
      c1 = await failed('333333333333', 80);
    } finally {
      recorded.stop();
    }
    expect([await retryable('111111111111', a1), await retryable('111111111111', a2), await retryable('111111111111', a3)]).toEqual([false, false, true]);
    expect([await retryable('222222222222', b1), await retryable('333333333333', c1)]).toEqual([true, true]);
    expect(recorded.statements.filter((sql) => /SUM\(kept_bytes\)/.test(sql))).toHaveLength(1);
  });
});

describe.each(BACKENDS)('staged uploads: the staging lock is taken every few megabytes, not every one (%s)', (backend) => {
  let server: TestServer;
  const MIB = 1024 * 1024;
  beforeAll(async () => {
    server = await startServer({
      backend, bodyLimits: { importUpload: 16 * MIB }, imageChecks: { enabled: false },
      importUploadStaging: { maxBytesPerAccount: 64 * MIB, maxBytes: 128 * MIB },
    });
  });
  afterAll(async () => {
    server?.trove.runner.resume();
    await server?.close();
  });

  it('a 12 MB chunked upload locks the staged-uploads row three times (claims room ahead: at 1, 3 and 7 MiB), and is counted at its size once accepted', async () => {
    const arn = await newDataset(server.rekognition());
    const file = coco(75_000);
    expect(file.bytes).toBeGreaterThan(12 * MIB);
    server.trove.runner.pause();
    const recorded = recordTransactionStatements();
    let answer;
    try {
      answer = await signedUpload(server, TEST_CREDENTIALS, arn, file.body);
    } finally {
      recorded.stop();
    }
    expect(answer.status).toBe(202);
    expect(recorded.statements.filter((sql) => sql.includes("store_locks WHERE name = 'staged-uploads'"))).toHaveLength(3);
    expect(await server.trove.store.importUploads.tally()).toMatchObject({ uploads: 1, bytes: file.bytes });
    const counted = await rawSql<{ reserved_bytes: number; claimed_bytes: number }>(server, 'SELECT reserved_bytes, claimed_bytes FROM import_uploads');
    expect(counted.rows.map((row) => [Number(row.reserved_bytes), Number(row.claimed_bytes)])).toEqual([[file.bytes, file.bytes]]);
  });
});

/** A hand-signed upload without a Content-Length (chunked): its size is not announced. */
async function signedUpload(server: TestServer, who: Signer, arn: string, body: Buffer): Promise<{ status: number; type: string | null; message: string }> {
  const url = uploadUrl(server.url, arn, 'chunked.json');
  const headers = await signedHeaders(url, who, createHash('sha256').update(body).digest('hex'));
  const response = await fetch(url, {
    method: 'POST', headers, duplex: 'half',
    body: new ReadableStream({ start(controller) { controller.enqueue(body); controller.close(); } }),
  } as RequestInit);
  const answer = await response.json() as { message: string };
  return { status: response.status, type: response.headers.get('x-amzn-errortype'), message: answer.message };
}
