import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { storeOn } from '../../../src/store/store.js';
import type { Store } from '../../../src/store/store.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';

const LEASE = 1_000;

/** Job claims and leases on PostgreSQL, where several nodes claim from one table. */
describe.runIf(POSTGRES_SELECTED)('PostgreSQL job leases', () => {
  let database: TestDatabase;
  let store: Store;
  const job = (n: number) => ({ kind: 'test', payloadVersion: 1, resource: `r${n}`, payload: { n }, runAfter: 0, createdAt: 0 });
  beforeAll(async () => {
    database = await createTestDatabase();
    store = storeOn(new PostgresDriver({ url: database.url, poolSize: 10 }));
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('hands each job to exactly one of many concurrent claimers (FOR UPDATE SKIP LOCKED)', async () => {
    for (let n = 0; n < 40; n++) await store.jobs.enqueue(job(n));
    const claimed: number[] = [];
    await Promise.all(Array.from({ length: 8 }, async (_, c) => {
      for (;;) {
        const record = await store.jobs.claim(`claimer-${c}`, 1_000, LEASE);
        if (!record) return;
        claimed.push(record.id);
        expect(await store.jobs.finish(record.id, `claimer-${c}`)).toBe(true);
      }
    }));
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
  });

  it('keeps a job whose transaction is open from a takeover, while its heartbeats still go through', async () => {
    const id = await store.jobs.enqueue(job(99));
    const mine = await store.jobs.claim('node-a', 10_000, LEASE);
    expect(mine?.id).toBe(id);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = store.transaction(async (tx) => {
      expect((await tx.jobs.lease(id, 'node-a')) !== undefined).toBe(true);
      await held;
      return tx.jobs.finish(id, 'node-a');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The heartbeat is not blocked by the job's own open transaction...
    expect(await store.jobs.heartbeat(id, 'node-a', 20_000 + LEASE)).toBe(true);
    // ...and another node, even with the lease long expired by its clock, passes the row by.
    expect(await store.jobs.claim('node-b', 1_000_000, LEASE)).toBeUndefined();
    release();
    expect(await transaction).toBe(true);
    expect(await store.jobs.countOpen()).toBe(0);
  });

  it('lets another node take over a job whose lease expired (its node died)', async () => {
    const id = await store.jobs.enqueue(job(100));
    expect((await store.jobs.claim('node-a', 10_000, LEASE))?.id).toBe(id);
    expect(await store.jobs.claim('node-b', 10_000 + LEASE - 1, LEASE)).toBeUndefined();
    const taken = await store.jobs.claim('node-b', 10_000 + LEASE + 1, LEASE);
    expect(taken).toMatchObject({ id, leaseOwner: 'node-b', attempts: 2 });
    // The old owner's late transaction finds it no longer holds the lease.
    expect(await store.transaction(async (tx) => (await tx.jobs.lease(id, 'node-a')) !== undefined)).toBe(false);
    expect(await store.jobs.heartbeat(id, 'node-a', 50_000)).toBe(false);
    expect(await store.jobs.finish(id, 'node-b')).toBe(true);
  });
});
