import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDriver } from '../../../src/store/postgres/postgres-driver.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { freePort } from '../../harness/embedded-postgres.js';
import { createTestDatabase } from '../../harness/postgres.js';
import { eventually } from '../../harness/server.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { writeOutage } from '../../harness/write-outage.js';
import type { WriteOutage } from '../../harness/write-outage.js';

/** The PostgreSQL SqlDriver on its own: types, batches, transactions, migrations, unreachable servers. */
describe.runIf(POSTGRES_SELECTED)('PostgresDriver', () => {
  let database: TestDatabase;
  let driver: PostgresDriver;
  beforeAll(async () => {
    database = await createTestDatabase();
    driver = new PostgresDriver({ url: database.url, poolSize: 4 });
    await driver.migrate();
    await driver.run('CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT, b BYTEA, s TEXT)');
  });
  afterAll(async () => {
    await driver?.close();
    await database?.drop();
  });

  it('reads BIGINT as numbers and BYTEA as buffers', async () => {
    await driver.run('INSERT INTO t (id, n, b, s) VALUES (?, ?, ?, ?)', [1, 1_700_000_000_123, Buffer.from([0, 1, 255]), 'what?']);
    const row = await driver.get<{ id: number; n: number; b: Buffer; s: string; c: number }>('SELECT id, n, b, s, (SELECT COUNT(*) FROM t) AS c FROM t WHERE id = ?', [1]);
    expect(row).toEqual({ id: 1, n: 1_700_000_000_123, b: Buffer.from([0, 1, 255]), s: 'what?', c: 1 });
  });

  it('plans without parallel workers on every connection (a listing page relies on a UNION ALL coming out in order)', async () => {
    const settings = await Promise.all(Array.from({ length: 4 }, () => driver.transaction((tx) => tx.get<{ max_parallel_workers_per_gather: string }>('SHOW max_parallel_workers_per_gather'))));
    expect(settings).toEqual(Array(4).fill({ max_parallel_workers_per_gather: '0' }));
  });

  it('runs a batch of one-row INSERTs as multi-row statements, across the 1000-row split', async () => {
    const rows = Array.from({ length: 2_345 }, (_, i) => [1000 + i, i * 2, null, `row ${i}`]);
    await driver.runBatch('INSERT INTO t (id, n, b, s) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING', rows);
    const sum = await driver.get<{ c: number; total: string }>('SELECT COUNT(*) AS c, SUM(n)::text AS total FROM t WHERE id >= 1000');
    expect(sum).toEqual({ c: 2_345, total: String(2_344 * 2_345) });
  });

  it('applies a batch of upserts row by row, as SQLite does, even when rows hit the same key', async () => {
    await driver.runBatch('INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = t.n + excluded.n', [[7, 1], [7, 10], [7, 100], [8, -5]]);
    expect(await driver.all('SELECT id, n FROM t WHERE id IN (7, 8) ORDER BY id')).toEqual([{ id: 7, n: 111 }, { id: 8, n: -5 }]);
  });

  it("writes batched values as literals that round-trip exactly (quotes, backslashes, bytes, negatives)", async () => {
    const tricky = ["it's", 'back\\slash \\x00', '-- not a comment', '?', '$$', 'ünïcødé ✓'];
    await driver.runBatch('UPDATE t SET s = ?, b = ?, n = ? WHERE id = ?', tricky.map((text, i) => [text, Buffer.from([i, 255, 0]), -i - 1, 1000 + i]));
    const rows = await driver.all<{ s: string; b: Buffer; n: number }>('SELECT s, b, n FROM t WHERE id BETWEEN 1000 AND 1005 ORDER BY id');
    expect(rows).toEqual(tricky.map((text, i) => ({ s: text, b: Buffer.from([i, 255, 0]), n: -i - 1 })));
  });

  it('refreshes the planner statistics of a table once a bulk write has been committed to it', async () => {
    await driver.run('CREATE TABLE bulk (id BIGINT PRIMARY KEY, v TEXT)');
    await driver.runBatch('INSERT INTO bulk (id, v) VALUES (?, ?)', Array.from({ length: 12_000 }, (_, i) => [i, `v${i}`]));
    const analyzed = await eventually(async () => {
      const row = await driver.get<{ last_analyze: Date | null; reltuples: number }>(
        "SELECT s.last_analyze, c.reltuples::float8 AS reltuples FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'bulk'",
      );
      return row?.last_analyze ? row : undefined;
    }, 10_000, 'ANALYZE of the bulk table');
    expect(analyzed.reltuples).toBe(12_000);
  });

  it('runs any other statement once per row', async () => {
    await driver.runBatch('UPDATE t SET s = ? WHERE id = ?', [['first', 1000], ['second', 1001]]);
    expect(await driver.all('SELECT s FROM t WHERE id IN (1000, 1001) ORDER BY id')).toEqual([{ s: 'first' }, { s: 'second' }]);
  });

  it('rolls a failed transaction back and hands a clean connection back to the pool', async () => {
    await expect(driver.transaction(async (tx) => {
      await tx.run('INSERT INTO t (id) VALUES (?)', [5]);
      await tx.run('INSERT INTO t (id) VALUES (?)', [5]);
    })).rejects.toThrow(/duplicate key/);
    expect(await driver.get('SELECT id FROM t WHERE id = 5')).toBeUndefined();
    // Every pooled connection still works outside a transaction.
    await Promise.all(Array.from({ length: 8 }, () => driver.get('SELECT 1 AS one')));
    const committed = await driver.transaction(async (tx) => {
      await tx.run('INSERT INTO t (id) VALUES (?)', [6]);
      return tx.get<{ id: number }>('SELECT id FROM t WHERE id = ?', [6]);
    });
    expect(committed).toEqual({ id: 6 });
  });

  it('commits a deferred-durability transaction asynchronously, and only that one', async () => {
    // The test server runs with synchronous_commit off (fast); this database gets the durable default.
    const name = (await driver.get<{ name: string }>('SELECT current_database() AS name'))!.name;
    await driver.run(`ALTER DATABASE "${name}" SET synchronous_commit = on`);
    const durable = new PostgresDriver({ url: database.url, poolSize: 2 });
    try {
      const setting = (options?: { durability: 'deferred' }) => durable.transaction(async (tx) => {
        await tx.run('INSERT INTO t (id) VALUES (?) ON CONFLICT (id) DO NOTHING', [9]);
        return (await tx.get<{ synchronous_commit: string }>('SHOW synchronous_commit'))!.synchronous_commit;
      }, options);
      expect(await setting()).toBe('on');
      expect(await setting({ durability: 'deferred' })).toBe('off');
      // SET LOCAL: the pooled connections commit the next transactions synchronously again.
      expect(await Promise.all(Array.from({ length: 4 }, () => setting()))).toEqual(Array(4).fill('on'));
      expect(await durable.get('SELECT id FROM t WHERE id = 9')).toEqual({ id: 9 });
    } finally {
      await durable.close();
    }
  });

  it('migrates once when several nodes start at the same time', async () => {
    const fresh = await createTestDatabase();
    const nodes = Array.from({ length: 4 }, () => new PostgresDriver({ url: fresh.url, poolSize: 2 }));
    try {
      await Promise.all(nodes.map((node) => node.migrate()));
      const versions = await nodes[0].all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((v) => v.version)).toEqual([...new Set(versions.map((v) => v.version))]);
      expect(versions[0]).toEqual({ version: 1 });
      expect(await nodes[1].get("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")).toEqual({ extname: 'pg_trgm' });
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
      await fresh.drop();
    }
  });

  it('reports an unreachable server as StoreUnavailableError', async () => {
    const url = new URL(database.url);
    url.port = String(await freePort());
    const down = new PostgresDriver({ url: url.toString(), poolSize: 1 });
    try {
      await expect(down.get('SELECT 1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(down.transaction(async () => undefined)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await down.close();
    }
  });

  it('gives the scrape-time lock reading up within about a second when a new connection gets no answer', async () => {
    // Accepts and never answers: a connection attempt would wait connectionTimeoutMillis (10 s),
    // as long as Prometheus' whole scrape_timeout.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String((silent.address() as AddressInfo).port);
    const stuck = new PostgresDriver({ url: url.toString(), poolSize: 2 });
    try {
      const started = performance.now();
      expect(await stuck.lockWaits()).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(2_500);
    } finally {
      // The attempt still pending fails once its socket is gone, and the pool can end.
      for (const socket of sockets) socket.destroy();
      await stuck.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reads the lock-waiting sessions through a free connection', async () => {
    expect(await driver.lockWaits()).toBeGreaterThanOrEqual(0);
  });
});

describe.runIf(POSTGRES_SELECTED)('PostgresDriver after the database was read-only', () => {
  let outage: WriteOutage;
  let driver: PostgresDriver;
  beforeAll(async () => {
    outage = await writeOutage('postgres');
    driver = new PostgresDriver({ url: outage.serverOptions.databaseUrl!, poolSize: 4 });
    await driver.run('CREATE TABLE w (id BIGINT PRIMARY KEY)');
  });
  afterAll(async () => {
    await driver?.close();
    await outage?.close();
  });

  it('replaces the pooled sessions opened read-only once one refuses a write, and runs that write again on a new one', async () => {
    await outage.block();
    // Every pooled session opened while the database was read-only (four at once: the whole pool).
    const readOnly = () => Promise.all(Array.from({ length: 4 }, () => driver.transaction(async (tx) => {
      await tx.get('SELECT pg_sleep(0.05)');
      return (await tx.get<{ transaction_read_only: string }>('SHOW transaction_read_only'))!.transaction_read_only;
    })));
    // The sessions the outage cut fail first (connection lost), then the pool opens read-only ones.
    await eventually(async () => ((await readOnly().catch(() => [])).join() === 'on,on,on,on' ? true : undefined), 10_000, 'four read-only sessions');
    await outage.unblock();
    // Without the replacement each of these would meet a session still read-only and fail (a 500).
    await driver.run('INSERT INTO w (id) VALUES (?)', [1]);
    await driver.transaction((tx) => tx.run('INSERT INTO w (id) VALUES (?)', [2]));
    for (let id = 3; id <= 6; id++) await driver.run('INSERT INTO w (id) VALUES (?)', [id]);
    expect(await driver.get('SELECT COUNT(*) AS n FROM w')).toEqual({ n: 6 });
  });

  it('refuses a row-locking read as a write: a job transaction, which locks its lease first, is refused before its callback goes on', async () => {
    await driver.run('INSERT INTO w (id) VALUES (?) ON CONFLICT DO NOTHING', [1000]);
    await outage.block();
    try {
      // Run twice when refused (#onceMoreIfReadOnly): what comes after the first write or locking
      // read (the job runner's lease check) never runs in a refused attempt, so it cannot repeat.
      const refused = await eventually(async () => {
        let pastTheLock = 0;
        const error = await driver.transaction(async (tx) => {
          await tx.get('SELECT id FROM w WHERE id = ? FOR KEY SHARE', [1000]);
          pastTheLock++;
        }).then(() => undefined, (caught: unknown) => caught);
        return error instanceof StoreUnavailableError && /read-only/.test(error.message) ? { error, pastTheLock } : undefined;
      }, 10_000, 'the locking read refused as read-only');
      expect(refused.error.message).toMatch(/^The database cannot write: /);
      expect(refused.pastTheLock).toBe(0);
    } finally {
      await outage.unblock();
    }
  });

  it('takes a quota\'s key lock in a read-only session (it writes nothing): the insert after it is where the transaction is refused', async () => {
    await outage.block();
    try {
      // A quota's transaction (QuotaLocksRepository): the lock, the count, the insert. Both runs
      // get past the lock and the count; neither gets past the insert, so neither commits anything.
      const refused = await eventually(async () => {
        let counted = 0;
        let inserted = 0;
        const error = await driver.transaction(async (tx) => {
          await tx.run(driver.dialect.keyLock, ['["rk-projects","000000000000","us-east-1"]']);
          await tx.get('SELECT COUNT(*) AS n FROM w');
          counted++;
          await tx.run('INSERT INTO w (id) VALUES (?)', [2000]);
          inserted++;
        }).then(() => undefined, (caught: unknown) => caught);
        return error instanceof StoreUnavailableError && /read-only/.test(error.message) ? { counted, inserted } : undefined;
      }, 10_000, 'the insert refused as read-only');
      expect(refused).toEqual({ counted: 2, inserted: 0 });
    } finally {
      await outage.unblock();
    }
  });

  it('still fails a write while the database is read-only, having tried it twice at most', async () => {
    await outage.block();
    try {
      const refused = await eventually(async () => {
        const error = await driver.run('INSERT INTO w (id) VALUES (?)', [100]).then(() => undefined, (caught: unknown) => caught);
        return error instanceof StoreUnavailableError && /read-only/.test(error.message) ? error : undefined;
      }, 10_000, 'the write refused as read-only');
      expect(refused.message).toMatch(/^The database cannot write: /);
    } finally {
      await outage.unblock();
    }
  });
});
