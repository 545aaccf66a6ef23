import type { RekognitionLimits } from '../domain/rekognition/rekognition-deps.js';
import { DEFAULT_REKOGNITION_LIMITS } from '../domain/rekognition/rekognition-deps.js';

/** Trove's whole configuration, loaded once (config/load.ts), frozen and passed in. */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** Where the embedded store keeps its files. */
  readonly dataDir: string;
  /** PostgreSQL instead of the embedded SQLite store: several nodes may share one database. */
  readonly databaseUrl?: string;
  /** Connections each node keeps at most to PostgreSQL (requests, job transactions, heartbeats). */
  readonly databasePoolSize: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Region for requests that carry no SigV4 credential scope. */
  readonly defaultRegion: string;
  /** FULL survives power loss; NORMAL only process crashes (both survive kill -9). */
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  readonly requestTimeoutMs: number;
  readonly jobs: {
    readonly concurrency: number;
    readonly leaseMs: number;
    readonly pollMs: number;
    readonly maxAttempts: number;
  };
  /** How long a pagination token stays valid after its listing's first page. */
  readonly pageTokenTtlMs: number;
  /** How often superseded row versions are garbage-collected. */
  readonly maintenanceIntervalMs: number;
  readonly rekognition: RekognitionLimits;
}

export const DEFAULTS: Config = {
  host: '127.0.0.1',
  port: 4599,
  dataDir: './.trove',
  databasePoolSize: 10,
  logLevel: 'info',
  defaultRegion: 'us-east-1',
  sqliteSynchronous: 'FULL',
  requestTimeoutMs: 60_000,
  jobs: { concurrency: 2, leaseMs: 30_000, pollMs: 1_000, maxAttempts: 5 },
  pageTokenTtlMs: 24 * 60 * 60 * 1000,
  maintenanceIntervalMs: 10 * 60 * 1000,
  rekognition: DEFAULT_REKOGNITION_LIMITS,
};

/**
 * The one list of settings that command-line flags and environment variables can change:
 * flag name, environment variable, and how to read the text.
 */
export const SETTINGS = [
  { flag: 'host', env: 'TROVE_HOST', path: ['host'], parse: String, help: 'address to listen on' },
  { flag: 'port', env: 'TROVE_PORT', path: ['port'], parse: port, help: 'port to listen on (0: any free port)' },
  { flag: 'data-dir', env: 'TROVE_DATA_DIR', path: ['dataDir'], parse: String, help: 'directory of the embedded store' },
  { flag: 'database-url', env: 'TROVE_DATABASE_URL', path: ['databaseUrl'], parse: databaseUrl, help: 'postgres://user@host/db: PostgreSQL, shared by all nodes' },
  { flag: 'database-pool-size', env: 'TROVE_DATABASE_POOL_SIZE', path: ['databasePoolSize'], parse: positiveInt, help: 'PostgreSQL connections per node' },
  { flag: 'log-level', env: 'TROVE_LOG_LEVEL', path: ['logLevel'], parse: logLevel, help: 'fatal|error|warn|info|debug|trace|silent' },
  { flag: 'region', env: 'TROVE_DEFAULT_REGION', path: ['defaultRegion'], parse: String, help: 'region for unsigned requests' },
  { flag: 'sqlite-synchronous', env: 'TROVE_SQLITE_SYNCHRONOUS', path: ['sqliteSynchronous'], parse: synchronous, help: 'FULL|NORMAL' },
  { flag: 'job-concurrency', env: 'TROVE_JOB_CONCURRENCY', path: ['jobs', 'concurrency'], parse: positiveInt, help: 'jobs run at once' },
  { flag: 'job-lease-ms', env: 'TROVE_JOB_LEASE_MS', path: ['jobs', 'leaseMs'], parse: positiveInt, help: 'a dead node\'s job is taken over after this' },
  { flag: 'job-poll-ms', env: 'TROVE_JOB_POLL_MS', path: ['jobs', 'pollMs'], parse: positiveInt, help: 'how often idle nodes look for jobs' },
] as const;

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`not a port: ${text}`);
  return value;
}

function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`not a positive integer: ${text}`);
  return value;
}

function databaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('not a URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`unsupported scheme ${url.protocol} (expected postgres://user:password@host:port/database)`);
  }
  return text;
}

function logLevel(text: string): Config['logLevel'] {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const level = levels.find((l) => l === text);
  if (!level) throw new Error(`not a log level: ${text}`);
  return level;
}

function synchronous(text: string): Config['sqliteSynchronous'] {
  const upper = text.toUpperCase();
  if (upper !== 'FULL' && upper !== 'NORMAL') throw new Error(`not FULL or NORMAL: ${text}`);
  return upper;
}
