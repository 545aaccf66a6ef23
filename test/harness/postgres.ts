import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test run's PostgreSQL (test/global-setup.ts), '' when PostgreSQL is not selected. */
    trovePostgresUrl: string;
  }
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** The URL of the test run's PostgreSQL server: embedded, or TROVE_TEST_DATABASE_URL. */
export function postgresServerUrl(): string {
  const url = inject('trovePostgresUrl');
  if (!url) throw new Error('PostgreSQL is not running for this test run (TROVE_TEST_BACKENDS excludes it?)');
  return url;
}

/**
 * A fresh, empty database on the test run's server, so test files running in parallel never
 * see each other's data. `drop()` removes it (terminating any connection still open).
 */
export async function createTestDatabase(prefix = 'trove_t'): Promise<TestDatabase> {
  const serverUrl = postgresServerUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
