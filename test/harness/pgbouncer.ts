import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isAlive } from '../../src/lib/dir-lock.js';
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

/** The folders startPgBouncer makes: `${tmpdir()}/trove-pgbouncer-XXXXXX`. */
const DIR_PREFIX = 'trove-pgbouncer-';
/** In each folder: `{ pid, owner }`, PgBouncer's pid and the pid of the test process that started it. */
const PIDS_FILE = 'pids.json';

/**
 * Starts a real PgBouncer on a free port in front of `serverUrl`, every database name passed
 * through (`*`), SCRAM between client and bouncer and between bouncer and server. PgBouncer
 * refuses to run as root: as root it is started with `-u postgres`, the user embedded-postgres
 * runs the server as, so its folder is world-readable. First it stops the bouncers of test
 * processes that died without stopping theirs (reapOrphans).
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  reapOrphans();
  const server = new URL(options.serverUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
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
  // PgBouncer has no option to exit with its parent: a test worker killed (SIGKILL, a timeout)
  // would leave it running; the next start finds it by this file and stops it.
  writeFileSync(join(dir, PIDS_FILE), JSON.stringify({ pid: child.pid, owner: process.pid }));
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

/**
 * Resolves once `child` accepts connections on `port`; fails when it exits first or after 10 s.
 * Something else may have taken the port since freePort() found it free (PgBouncer then fails to
 * bind and exits): a connection accepted counts only while `child` runs and, where /proc tells,
 * holds the listening socket itself.
 */
async function listening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open && child.exitCode === null && child.signalCode === null && listensOn(child.pid!, port) !== false) return;
    if (Date.now() > deadline) throw new Error(open ? `port ${port} is another process's, not this pgbouncer's` : 'not listening after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Whether process `pid` holds a socket listening on 127.0.0.1:`port` (Linux: the socket's inode
 * in /proc/net/tcp among the process's open files); undefined where /proc cannot tell.
 */
function listensOn(pid: number, port: number): boolean | undefined {
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const inodes = new Set(readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1] === local && fields[3] === '0A') // 0A: LISTEN
      .map((fields) => `socket:[${fields[9]}]`));
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return undefined;
  }
}

/**
 * Stops the PgBouncers whose test process is gone (killed before its afterAll ran), and removes
 * their folders. A pid is signalled only while its command line still names that folder's
 * pgbouncer.ini, so a pid the system reused for something else is left alone; bouncers of test
 * processes still running (parallel workers) are theirs to stop.
 */
function reapOrphans(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    let pids: { pid: number; owner: number };
    try {
      pids = JSON.parse(readFileSync(join(dir, PIDS_FILE), 'utf8')) as { pid: number; owner: number };
    } catch {
      continue; // being written, or not one of ours
    }
    if (isAlive(pids.owner)) continue;
    try {
      if (readFileSync(`/proc/${pids.pid}/cmdline`, 'utf8').split('\0').includes(join(dir, 'pgbouncer.ini'))) process.kill(pids.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
