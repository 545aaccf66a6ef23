import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './embedded-postgres.js';

/**
 * Debian's PgBouncer (`apt-get install pgbouncer`; .ci/run installs it), in /usr/sbin, which a
 * non-root PATH may lack; TROVE_PGBOUNCER names another binary.
 */
export const PGBOUNCER = process.env.TROVE_PGBOUNCER ?? (existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer');

/** Why PgBouncer tests cannot run here, or undefined when they can. */
export function pgbouncerMissing(): string | undefined {
  const probe = spawnSync(PGBOUNCER, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PGBOUNCER} not found: install Debian's pgbouncer package to run the PgBouncer tests`;
}

export interface PgBouncerOptions {
  /** The PostgreSQL server it pools for: any URL of it (host, port, user and password are used). */
  readonly serverUrl: string;
  readonly poolMode: 'transaction' | 'session';
  /** Server connections per database and user (PgBouncer's default_pool_size). */
  readonly poolSize: number;
}

export interface RunningPgBouncer {
  readonly port: number;
  /** The URL of `database` through the bouncer, with the server URL's user and password. */
  url(database: string): string;
  /** Runs a command of PgBouncer's admin console (e.g. `RECONNECT`) and returns its rows. */
  admin(command: string): Promise<Record<string, unknown>[]>;
  /** PgBouncer's log so far (its stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts a real PgBouncer on a free port in front of `serverUrl`, every database name passed
 * through (`*`), SCRAM between client and bouncer and between bouncer and server. PgBouncer
 * refuses to run as root: as root it is started with `-u postgres`, the user embedded-postgres
 * runs the server as, so its folder is world-readable.
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const server = new URL(options.serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const dir = mkdtempSync(join(tmpdir(), 'trove-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
  writeFileSync(join(dir, 'userlist.txt'), `${quoted(user)} ${quoted(password)}\n`, { mode: 0o644 });
  writeFileSync(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `* = host=${server.hostname} port=${server.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    `pool_mode = ${options.poolMode}`,
    `default_pool_size = ${options.poolSize}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    'max_client_conn = 500',
    // The server URL's user may run admin commands (RECONNECT, SHOW POOLS) on database `pgbouncer`.
    `admin_users = ${user}`,
    // The clients' waits for a server connection fail after 30 s instead of 120 (a test's timeout).
    'query_wait_timeout = 30',
    '',
  ].join('\n'), { mode: 0o644 });
  const args = [...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')];
  const child = spawn(PGBOUNCER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await listening(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${log}`);
  }
  const urlOf = (database: string) => {
    const url = new URL(options.serverUrl);
    url.port = String(port);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return {
    port,
    url: urlOf,
    async admin(command) {
      const client = new pg.Client({ connectionString: urlOf('pgbouncer') });
      await client.connect();
      try {
        // The admin console speaks the simple query protocol only: a query without parameters.
        return (await client.query(command)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        // SIGINT: PgBouncer closes at once (SIGTERM would wait for its clients to leave).
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once something accepts connections on `port`; fails when `child` exits first or after 10 s. */
async function listening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error('not listening after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
