import { startServer } from './server.js';
import type { ServerOptions, TestServer } from './server.js';

/** Two Trove nodes serving one store, as a deployment with two nodes behind a load balancer does. */
export interface TwoNodes {
  readonly first: TestServer;
  readonly second: TestServer;
  /** Closes both nodes (the second first) and drops the database the first created, if it did. */
  close(): Promise<void>;
}

/**
 * Starts two Trove nodes on one PostgreSQL database, both with `options`: each has its own data
 * directory and connection pool, so their transactions really run at once; they share the
 * database and the master key (TEST_MASTER_KEY, set by startServer for PostgreSQL).
 * - Without `options.databaseUrl`, the first node gets a fresh database, which close() drops.
 * - With it (a database of the test's own, or a proxy in front of one), both nodes use that URL
 *   and close() leaves the database alone.
 * - On SQLite (one node owns a data directory) `first` and `second` are the same node, so a test
 *   of two nodes written once runs on both backends, meaning one node on SQLite.
 *
 * Usage: `nodes = await startTwoNodes({ backend })` in beforeAll, `await nodes?.close()` in afterAll.
 */
export async function startTwoNodes(options: ServerOptions = {}): Promise<TwoNodes> {
  const first = await startServer(options);
  if (first.backend !== 'postgres') return { first, second: first, close: () => first.close() };
  let second: TestServer;
  try {
    second = await startServer({ ...options, databaseUrl: first.databaseUrl });
  } catch (error) {
    await first.close();
    throw error;
  }
  return {
    first,
    second,
    async close() {
      await second.close();
      await first.close();
    },
  };
}
