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
 * - Without `options.databaseUrl`, the first node creates a fresh database and the second starts
 *   on it once it is migrated; close() drops it.
 * - With it (a database of the test's own, or a proxy such as PgBouncer in front of one), both
 *   start at once, migrating it together as a deployment's nodes do; close() leaves it alone.
 * - On SQLite (one node owns a data directory) `first` and `second` are the same node, so a test
 *   written for two nodes also runs on SQLite, with one.
 *
 * Usage: `nodes = await startTwoNodes({ backend })` in beforeAll, `await nodes?.close()` in afterAll.
 */
export async function startTwoNodes(options: ServerOptions = {}): Promise<TwoNodes> {
  if ((options.backend ?? 'sqlite') !== 'postgres') {
    const only = await startServer(options);
    return { first: only, second: only, close: () => only.close() };
  }
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  try {
    if (options.databaseUrl === undefined) {
      first = await startServer(options);
      second = await startServer({ ...options, databaseUrl: first.databaseUrl });
    } else {
      const started = await Promise.allSettled([startServer(options), startServer(options)]);
      [first, second] = started.map((node) => (node.status === 'fulfilled' ? node.value : undefined));
      const failed = started.find((node) => node.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (error) {
    // Whichever did start is closed: a failed beforeAll leaves no node (or database) behind. The
    // error that stopped the start is the one to see; a close failing as well is not.
    await closeBoth(first, second).catch(() => undefined);
    throw error;
  }
  const nodes = { first: first!, second: second! };
  return {
    ...nodes,
    close: () => closeBoth(nodes.first, nodes.second),
  };
}

/**
 * The second node, then the first (its database may be the first's, dropped when it closes), the
 * first whatever the second's close did: one that throws does not leak the other. Rejects with
 * the first failure once both have been tried.
 */
async function closeBoth(first: TestServer | undefined, second: TestServer | undefined): Promise<void> {
  const [closedSecond] = await Promise.allSettled([second?.close()]);
  const [closedFirst] = await Promise.allSettled([first?.close()]);
  const failed = [closedSecond, closedFirst].find((result) => result?.status === 'rejected');
  if (failed?.status === 'rejected') throw failed.reason;
}
