import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../test/harness/embedded-postgres.js';
import { spawnTrove } from './trove-process.js';
import type { TroveProcess } from './trove-process.js';

export interface BenchPostgres {
  /** Superuser (or CREATEDB) URL of the server. */
  readonly url: string;
  /** A fresh database on the server; `drop()` removes it. */
  database(): Promise<{ url: string; drop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL a benchmark runs on: `--database-url` when given, otherwise an embedded server
 * from npm with its durable defaults (fsync and synchronous_commit on: the numbers are those of
 * a real deployment, not of a test server).
 */
export async function benchPostgres(url?: string): Promise<BenchPostgres> {
  const embedded = url ? undefined : await startEmbeddedPostgres({ settings: { shared_buffers: '512MB', max_wal_size: '4GB' } });
  const serverUrl = url ?? embedded!.url;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url: serverUrl,
    async database() {
      const name = `trove_bench_${randomBytes(4).toString('hex')}`;
      await admin(`CREATE DATABASE ${name}`);
      const dbUrl = new URL(serverUrl);
      dbUrl.pathname = `/${name}`;
      return { url: dbUrl.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
    stop: async () => embedded?.stop(),
  };
}

/** `count` real `bin/trove serve` processes on one database (they migrate it under the advisory lock). */
export async function spawnNodes(count: number, databaseUrl: string, extraArgs: string[] = []): Promise<TroveProcess[]> {
  // Nodes of one database share the master key that encrypts its stored credentials.
  const env = { TROVE_MASTER_KEY: MASTER_KEY };
  return Promise.all(Array.from({ length: count }, () => spawnTrove(['--database-url', databaseUrl, '--data-dir', mkdtempSync(join(tmpdir(), 'trove-node-')), ...extraArgs], env)));
}

const MASTER_KEY = randomBytes(32).toString('hex');

/** Parses `--nodes 1,2,3` into [1, 2, 3]. */
export function nodeCounts(text: string): number[] {
  const counts = text.split(',').map((n) => Number(n.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--nodes: expected e.g. 1,2,3, got ${text}`);
  return counts;
}

export const perSecond = (count: number, ms: number) => Math.round((count * 1000) / ms);
