import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { freePort } from '../../harness/embedded-postgres.js';
import { createTestDatabase } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';
import { spawnTrove } from '../../harness/process.js';
import { TEST_MASTER_KEY } from '../../harness/server.js';
import { rawSql } from '../../harness/raw-sql.js';
import { startTcpProxy } from '../../harness/tcp-proxy.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));

describe.runIf(POSTGRES_SELECTED)('bin/trove on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('migrates with --database-url, never printing the password', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'migrate', '--database-url', database.url]);
    const { username, password, host, pathname } = new URL(database.url);
    expect(stdout).toBe(`Store (database postgres://${username}${password ? ':***' : ''}@${host}${pathname}) is up to date.\n`);
    if (password) expect(stdout).not.toContain(password);
  });

  it('serves from TROVE_DATABASE_URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trove-cli-pg-'));
    const trove = await spawnTrove(['--data-dir', dataDir], { TROVE_DATABASE_URL: database.url, TROVE_MASTER_KEY: TEST_MASTER_KEY });
    try {
      // The start banner names the database, never its password.
      expect(trove.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\n[\s\S]*\n {2}Data +database postgres:\/\/\w+(:\*\*\*)?@/);
      const { password } = new URL(database.url);
      if (password) expect(trove.output()).not.toContain(password);
      expect((await fetch(`${trove.url}/_trove/health`)).status).toBe(200);
    } finally {
      expect(await trove.stop('SIGTERM')).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains a bad URL and an unreachable database instead of starting', async () => {
    const scheme = await run(process.execPath, [BIN, 'serve', '--database-url', 'mysql://db/trove']).catch((e: { code: number; stderr: string }) => e);
    expect(scheme).toMatchObject({ code: 1, stderr: expect.stringMatching(/--database-url \/ TROVE_DATABASE_URL: unsupported scheme mysql:/) });
    const dataDir = mkdtempSync(join(tmpdir(), 'trove-cli-pg-'));
    const started = Date.now();
    const down = await run(process.execPath, [
      BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--database-wait-ms', '1000', '--database-url', `postgres://trove@127.0.0.1:${await freePort()}/trove`,
    ]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    rmSync(dataDir, { recursive: true, force: true });
    expect(down).toMatchObject({ code: 1, stderr: expect.stringMatching(/The database is unavailable: .*ECONNREFUSED/) });
    // It waited for the database (retrying, and saying so) before giving up.
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
    expect((down as { stdout: string }).stdout).toContain('waiting for the database to accept connections');
  });

  it('trove credentials writes into the database given, not into a data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trove-cli-pg-'));
    try {
      const env = { ...process.env, TROVE_MASTER_KEY: TEST_MASTER_KEY };
      const { stdout } = await run(process.execPath, [BIN, 'credentials', 'create', '--account', '123456789012', '--json', '--data-dir', dataDir, '--database-url', database.url], { env });
      const { accessKeyId } = JSON.parse(stdout) as { accessKeyId: string };
      const { rows } = await rawSql<{ account: string }>({ dataDir, databaseUrl: database.url }, 'SELECT account FROM credentials WHERE access_key_id = ?', [accessKeyId]);
      expect(rows).toEqual([{ account: '123456789012' }]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('waits at start-up for a database that comes up a moment later', async () => {
    const url = new URL(database.url);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    const { attempted } = await proxy.refuse();
    const dataDir = mkdtempSync(join(tmpdir(), 'trove-cli-pg-'));
    const starting = spawnTrove(['--data-dir', dataDir, '--database-url', proxy.via(database.url), '--log-level', 'info'], { TROVE_MASTER_KEY: TEST_MASTER_KEY });
    // The database comes back only once Trove has tried it and been refused (however slowly it started).
    const restored = attempted.then(() => new Promise((resolve) => setTimeout(resolve, 300))).then(() => proxy.restore());
    try {
      const trove = await starting;
      await restored;
      try {
        expect(trove.output()).toContain('waiting for the database to accept connections');
        expect((await fetch(`${trove.url}/_trove/health`)).status).toBe(200);
      } finally {
        expect(await trove.stop('SIGTERM')).toBe(0);
      }
    } finally {
      await restored;
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
