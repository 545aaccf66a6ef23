import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SELECTED } from '../../harness/backends.js';
import { createTestDatabase, postgresServerUrl } from '../../harness/postgres.js';
import type { TestDatabase } from '../../harness/postgres.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));

// The serial-plans default Trove sets at start (migrate.ts, defaultToSerialPlans) must be the
// LOGIN role's: PostgreSQL applies the defaults of the role a session logs in as, never those of
// a role it switches to. A role default is PostgreSQL's own (no SQLite counterpart), so this file
// runs on PostgreSQL only, through `bin/trove migrate` as an operator would.

async function superuser<T extends pg.QueryResultRow>(sql: string, database?: string): Promise<T[]> {
  const url = new URL(postgresServerUrl());
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A new server session of `url`, as a pooler would open it: no SET of Trove's. */
async function freshSession(url: string): Promise<{ parallel: string; role: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ parallel: string; role: string }>(
      'SELECT current_setting(\'max_parallel_workers_per_gather\') AS parallel, current_user AS role',
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe.runIf(POSTGRES_SELECTED)('the serial-plans role default', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `trove_owner_${suffix}`;
  const login = `trove_login_${suffix}`;
  const password = randomBytes(12).toString('hex');
  let database: TestDatabase;
  let loginUrl: string;
  beforeAll(async () => {
    database = await createTestDatabase('trove_roles');
    // The tables' owner nobody logs in as; the login role switches to it at once (ALTER ROLE ... SET role).
    await superuser(`CREATE ROLE ${owner} NOLOGIN`);
    await superuser(`CREATE ROLE ${login} LOGIN PASSWORD '${password}' IN ROLE ${owner}`);
    await superuser(`ALTER DATABASE ${database.name} OWNER TO ${owner}`);
    await superuser(`ALTER ROLE ${login} IN DATABASE ${database.name} SET role = ${owner}`);
    const url = new URL(database.url);
    url.username = login;
    url.password = password;
    loginUrl = url.toString();
  });
  afterAll(async () => {
    await database?.drop();
    await superuser(`DROP ROLE IF EXISTS ${login}`).catch(() => undefined);
    await superuser(`DROP ROLE IF EXISTS ${owner}`).catch(() => undefined);
  });

  it('is set for the role the URL logs in as, also when that role switches to another, by a non-superuser', async () => {
    expect(await freshSession(loginUrl)).toEqual({ parallel: '2', role: owner });
    const { stdout, stderr } = await run(process.execPath, [BIN, 'migrate', '--database-url', loginUrl]);
    expect(stdout).toMatch(/is up to date\.\n$/);
    expect(stderr).toBe('');
    // Every session the login role opens now plans serially, as the owner it switched to.
    expect(await freshSession(loginUrl)).toEqual({ parallel: '0', role: owner });
    const settings = await superuser<{ role: string; config: string[] }>(
      `SELECT r.rolname AS role, s.setconfig AS config FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = '${database.name}') ORDER BY r.rolname`,
    );
    expect(settings).toEqual([{ role: login, config: [`role=${owner}`, 'max_parallel_workers_per_gather=0'] }]);
    // The tables are the owner's: the migrations ran as the role switched to, not as the login role.
    const [table] = await superuser<{ owner: string }>('SELECT tableowner AS owner FROM pg_tables WHERE tablename = \'schema_migrations\'', database.name);
    expect(table.owner).toBe(owner);
  });

  it('warns on stderr when the ALTER ROLE fails, and migrates all the same', async () => {
    // A real failure of the ALTER ROLE: another session is changing the login role's settings in
    // this database (its catalog row), and the role's lock_timeout gives up waiting for it. (A
    // role may always set its own default of a setting any user may set, so no privilege refuses it.)
    await superuser(`ALTER ROLE ${login} IN DATABASE ${database.name} RESET max_parallel_workers_per_gather`);
    await superuser(`ALTER ROLE ${login} SET lock_timeout = '200ms'`);
    const holder = new pg.Client({ connectionString: postgresServerUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`ALTER ROLE ${login} IN DATABASE ${database.name} SET work_mem = '8MB'`);
      const { stdout, stderr } = await run(process.execPath, [BIN, 'migrate', '--database-url', loginUrl]);
      expect(stdout).toMatch(/is up to date\.\n$/);
      expect(stderr).toMatch(/^Warning: could not make max_parallel_workers_per_gather = 0 the login role's default in this database \(canceling statement due to lock timeout\): .*ALTER ROLE <login role> IN DATABASE <database> SET max_parallel_workers_per_gather = 0/);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // Nothing of it was applied; sessions still switch to the owner.
    expect(await freshSession(loginUrl)).toEqual({ parallel: '2', role: owner });
  });
});
