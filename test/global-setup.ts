import type { TestProject } from 'vitest/node';
import { selectBackends } from './harness/backends.js';
import { startEmbeddedPostgres } from './harness/embedded-postgres.js';

/**
 * One PostgreSQL server for the whole test run (each test server then creates its own database
 * on it): TROVE_TEST_DATABASE_URL when set (a role allowed to CREATE DATABASE), otherwise an
 * embedded server from npm, so `npm install && npm test` needs nothing installed by hand.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!selectBackends(process.env.TROVE_TEST_BACKENDS).includes('postgres')) {
    project.provide('trovePostgresUrl', '');
    return undefined;
  }
  const existing = process.env.TROVE_TEST_DATABASE_URL;
  if (existing) {
    project.provide('trovePostgresUrl', existing);
    return undefined;
  }
  const server = await startEmbeddedPostgres({ fast: true });
  project.provide('trovePostgresUrl', server.url);
  return () => server.stop();
}
