import { isIP } from 'node:net';
import { REGION_FORMAT } from '../auth/regions.js';
import type { AgentCoreConfig } from '../domain/agentcore/agentcore-deps.js';
import { DEFAULT_AGENTCORE_CONFIG } from '../domain/agentcore/agentcore-deps.js';
import type { RekognitionLimits } from '../domain/rekognition/rekognition-deps.js';
import { DEFAULT_REKOGNITION_LIMITS } from '../domain/rekognition/rekognition-deps.js';
import type { ObjectStoreConfig } from '../object-store/create-object-store.js';
import { DEFAULT_PAGE_READ_BYTES } from '../store/sql/byte-pages.js';

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
  /** How long start-up waits for PostgreSQL to accept connections (it often starts beside Trove); 0: fail at once. */
  readonly databaseWaitMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `json`: one JSON line per event; `pretty`: short readable lines; `auto`: pretty on a terminal, JSON otherwise. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** FULL survives power loss; NORMAL only process crashes (both survive kill -9). */
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Longest a client may take to send a whole request. */
  readonly requestTimeoutMs: number;
  /** A connection that sends or receives nothing for this long is closed (stalled clients). */
  readonly idleTimeoutMs: number;
  /** An UploadDatasetImport body is bound by its progress, not requestTimeoutMs: the slowest average it may keep after that (domain/uploads/upload-pace.ts). */
  readonly importUploadMinBytesPerSecond: number;
  /** Largest request bodies, bytes; larger ones are refused with the API's modelled error before they are buffered. */
  readonly bodyLimits: {
    /** awsJson (Rekognition): a 5 MB GroundTruth blob is ~7 MB of base64. */
    readonly awsJson: number;
    /** restJson (AgentCore): AWS limits inline examples to 5 MB per request. */
    readonly restJson: number;
    /** A file sent to UploadDatasetImport (`trove import --from ./file`): streamed into the store, not held in memory. */
    readonly importUpload: number;
  };
  /**
   * Bytes of UploadDatasetImport files staged at once (arriving, or waiting for their job), per
   * account and in all: an upload that would pass either is refused (ServiceQuotaExceededException).
   */
  readonly importUploadStaging: {
    readonly maxBytesPerAccount: number;
    readonly maxBytes: number;
  };
  readonly auth: {
    /** From TROVE_MASTER_KEY only (never a flag); unset: `<dataDir>/master.key`, created 0600. */
    readonly masterKey?: string;
    /**
     * From TROVE_MASTER_KEY_PREVIOUS only: the key being rotated away from. While it is set, secrets
     * sealed with either key open, so nodes can be rolled onto a new key without refusing a request.
     */
    readonly previousMasterKey?: string;
    /** How long a credential read from the store is trusted; disable/delete take effect within it. */
    readonly credentialCacheMs: number;
  };
  /** Request rate per access key (token bucket). requestsPerSecond 0 turns it off (the default, for local use). */
  readonly throttle: {
    readonly requestsPerSecond: number;
    readonly burst: number;
  };
  readonly jobs: {
    readonly concurrency: number;
    readonly leaseMs: number;
    readonly pollMs: number;
    readonly maxAttempts: number;
    /** Longest wait between retries of a failed job, and between the runner's tries while the store is unavailable. */
    readonly backoffMaxMs: number;
    /** How long a job that gave up stays listed as failed (`trove jobs list`, metrics). */
    readonly failedRetentionMs: number;
    /** Bytes failed jobs keep for RetryJob (their requests), per account and in all: past either, the oldest kept go first. */
    readonly maxKeptFailedBytesPerAccount: number;
    readonly maxKeptFailedBytes: number;
  };
  /**
   * GET /_trove/metrics (Prometheus text). `auto`: open on a loopback bind, elsewhere only with a
   * token (else off); `on`: served, and a non-loopback bind must have a token; `off`: not served.
   * With a token, every scrape must send `Authorization: Bearer <token>`, whatever the bind.
   */
  readonly metrics: {
    readonly mode: 'auto' | 'on' | 'off';
    readonly token?: string;
    /** A file holding the token (read at start-up), so the token never appears in a process list. */
    readonly tokenFile?: string;
  };
  /** How long a pagination token stays valid after its listing's first page. */
  readonly pageTokenTtlMs: number;
  /** How often superseded row versions are garbage-collected. */
  readonly maintenanceIntervalMs: number;
  /**
   * How often a node makes a tiny probe write (store-health.ts), so that `/_trove/health`
   * notices a store that cannot write (a full disk) without traffic; 0: never.
   */
  readonly storeWriteProbeMs: number;
  readonly rekognition: RekognitionLimits;
  /** Where s3:// URIs are read (docs/object-storage.md). */
  readonly objectStore: ObjectStoreConfig;
  /** Rekognition image checks (format, size, dimensions) for source-refs the object store can reach. */
  readonly imageChecks: {
    readonly enabled: boolean;
    /** Image header reads in flight at once, per job. */
    readonly concurrency: number;
  };
  /** AgentCore dataset quotas (UNCONFIRMED values; configurable), idempotency window, download links, throttling. */
  readonly agentcore: AgentCoreConfig;
  /** Regions a credential scope may name besides the AWS ones (auth/regions.ts): `--regions`. */
  readonly regions: readonly string[];
  /** Serve HTTPS with this certificate chain and private key (PEM files); unset: plain HTTP. */
  readonly tls: { readonly certFile?: string; readonly keyFile?: string };
  /** The origin clients reach Trove at (`https://trove.example.com`), for the links it hands out; unset: the request's. */
  readonly publicUrl?: string;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-Proto/-Host are believed; empty: nobody's. */
  readonly trustProxy: readonly string[];
  /** The web console (/_trove/console/). */
  readonly console: {
    /** Its built files; unset: dist/console/ of this installation, where `npm run build` puts them. */
    readonly assetsDir?: string;
  };
  /**
   * Bytes of stored lines a paged read of whole Rekognition entries holds at most, past its first
   * row (dataset copies, distributions, restores, history and exports; store/sql/byte-pages.ts).
   */
  readonly pageReadBytes: number;
}

export const DEFAULTS: Config = {
  host: '127.0.0.1',
  port: 4599,
  dataDir: './.trove',
  databasePoolSize: 10,
  databaseWaitMs: 30_000,
  logLevel: 'info',
  logFormat: 'auto',
  sqliteSynchronous: 'FULL',
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  importUploadMinBytesPerSecond: 32 * 1024,
  bodyLimits: { awsJson: 8 * 1024 * 1024, restJson: 5 * 1024 * 1024, importUpload: 256 * 1024 * 1024 },
  auth: { credentialCacheMs: 5_000 },
  throttle: { requestsPerSecond: 0, burst: 20 },
  jobs: { concurrency: 2, leaseMs: 30_000, pollMs: 1_000, maxAttempts: 5, backoffMaxMs: 30_000, failedRetentionMs: 7 * 24 * 60 * 60 * 1000,
    // 256 MiB an account (some fifty 5 MB changes), 2 GiB in all: a week of failures costs a bounded slice of the disk.
    maxKeptFailedBytesPerAccount: 256 * 1024 * 1024, maxKeptFailedBytes: 2 * 1024 * 1024 * 1024 },
  // 1 GiB an account (four uploads of the largest size at once), 4 GiB in all (every tenant's data shares the disk).
  importUploadStaging: { maxBytesPerAccount: 1024 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024 },
  metrics: { mode: 'auto' },
  pageTokenTtlMs: 24 * 60 * 60 * 1000,
  maintenanceIntervalMs: 10 * 60 * 1000,
  // Within 15 s is well inside a load balancer's usual few failed checks; one small write per
  // interval costs nothing, busy or not (store-health.ts).
  storeWriteProbeMs: 15_000,
  rekognition: DEFAULT_REKOGNITION_LIMITS,
  objectStore: { mode: 'auto', bucketDir: undefined, s3: { endpoint: undefined, region: 'us-east-1', forcePathStyle: undefined } },
  imageChecks: { enabled: true, concurrency: 32 },
  agentcore: DEFAULT_AGENTCORE_CONFIG,
  regions: [],
  tls: {},
  trustProxy: [],
  console: {},
  pageReadBytes: DEFAULT_PAGE_READ_BYTES,
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
  { flag: 'database-wait-ms', env: 'TROVE_DATABASE_WAIT_MS', path: ['databaseWaitMs'], parse: nonNegative, help: 'start-up waits this long for PostgreSQL (0: fail at once)' },
  { flag: 'log-level', env: 'TROVE_LOG_LEVEL', path: ['logLevel'], parse: logLevel, help: 'fatal|error|warn|info|debug|trace|silent' },
  { flag: 'sqlite-synchronous', env: 'TROVE_SQLITE_SYNCHRONOUS', path: ['sqliteSynchronous'], parse: synchronous, help: 'FULL|NORMAL' },
  { flag: 'agentcore-max-examples', env: 'TROVE_AGENTCORE_MAX_EXAMPLES', path: ['agentcore', 'maxExamplesPerDataset'], parse: positiveInt, help: 'AgentCore examples per dataset' },
  { flag: 'agentcore-max-datasets', env: 'TROVE_AGENTCORE_MAX_DATASETS', path: ['agentcore', 'maxDatasetsPerAccount'], parse: positiveInt, help: 'AgentCore datasets per account' },
  { flag: 'job-concurrency', env: 'TROVE_JOB_CONCURRENCY', path: ['jobs', 'concurrency'], parse: nonNegativeInt, help: 'jobs run at once (0: this node runs none)' },
  { flag: 'job-lease-ms', env: 'TROVE_JOB_LEASE_MS', path: ['jobs', 'leaseMs'], parse: positiveInt, help: 'a dead node\'s job is taken over after this' },
  { flag: 'job-poll-ms', env: 'TROVE_JOB_POLL_MS', path: ['jobs', 'pollMs'], parse: positiveInt, help: 'how often idle nodes look for jobs' },
  { flag: 'throttle-rps', env: 'TROVE_THROTTLE_RPS', path: ['throttle', 'requestsPerSecond'], parse: nonNegative, help: 'requests/s per access key (0: off)' },
  { flag: 'throttle-burst', env: 'TROVE_THROTTLE_BURST', path: ['throttle', 'burst'], parse: positiveInt, help: 'requests at once per access key' },
  { flag: 'max-projects', env: 'TROVE_MAX_PROJECTS_PER_ACCOUNT', path: ['rekognition', 'maxProjectsPerAccount'], parse: positiveInt, help: 'Rekognition projects per account and region' },
  { flag: 'max-entries', env: 'TROVE_MAX_ENTRIES_PER_DATASET', path: ['rekognition', 'maxEntriesPerDataset'], parse: positiveInt, help: 'Rekognition entries per dataset' },
  { flag: 'request-timeout-ms', env: 'TROVE_REQUEST_TIMEOUT_MS', path: ['requestTimeoutMs'], parse: positiveInt, help: 'longest time to send a request' },
  { flag: 'idle-timeout-ms', env: 'TROVE_IDLE_TIMEOUT_MS', path: ['idleTimeoutMs'], parse: positiveInt, help: 'idle connections are closed after' },
  { flag: 'object-store', env: 'TROVE_OBJECT_STORE', path: ['objectStore', 'mode'], parse: objectStoreMode, help: 'auto|folder|s3 (auto: s3 when --s3-endpoint is set, else folder)' },
  { flag: 'bucket-dir', env: 'TROVE_BUCKET_DIR', path: ['objectStore', 'bucketDir'], parse: String, help: 'folder store: s3://b/k is DIR/b/k (default <data-dir>/buckets)' },
  { flag: 's3-endpoint', env: 'TROVE_S3_ENDPOINT', path: ['objectStore', 's3', 'endpoint'], parse: String, help: 'S3-compatible endpoint URL (none: AWS S3)' },
  { flag: 's3-region', env: 'TROVE_S3_REGION', path: ['objectStore', 's3', 'region'], parse: String, help: 'region for S3 requests' },
  { flag: 's3-force-path-style', env: 'TROVE_S3_FORCE_PATH_STYLE', path: ['objectStore', 's3', 'forcePathStyle'], parse: onOff, help: 'true|false (default: true with --s3-endpoint)' },
  { flag: 'image-checks', env: 'TROVE_IMAGE_CHECKS', path: ['imageChecks', 'enabled'], parse: onOff, help: 'on|off: check images source-refs point at' },
  { flag: 'image-check-concurrency', env: 'TROVE_IMAGE_CHECK_CONCURRENCY', path: ['imageChecks', 'concurrency'], parse: positiveInt, help: 'image header reads in flight per job' },
  { flag: 'regions', env: 'TROVE_REGIONS', path: ['regions'], parse: regionList, help: 'regions to accept besides the AWS ones (comma list)' },
  { flag: 'tls-cert', env: 'TROVE_TLS_CERT', path: ['tls', 'certFile'], parse: String, help: 'PEM certificate (chain): serve HTTPS (with --tls-key)' },
  { flag: 'tls-key', env: 'TROVE_TLS_KEY', path: ['tls', 'keyFile'], parse: String, help: 'PEM private key of --tls-cert (mode 0600)' },
  { flag: 'public-url', env: 'TROVE_PUBLIC_URL', path: ['publicUrl'], parse: publicUrl, help: 'origin clients use, e.g. https://trove.example.com (for links)' },
  { flag: 'trust-proxy', env: 'TROVE_TRUST_PROXY', path: ['trustProxy'], parse: proxyList, help: 'proxy addresses/CIDRs whose X-Forwarded-Proto/-Host count' },
  { flag: 'metrics', env: 'TROVE_METRICS', path: ['metrics', 'mode'], parse: metricsMode, help: 'auto|on|off: GET /_trove/metrics (auto: open on loopback, else only with a token)' },
  { flag: 'metrics-token-file', env: 'TROVE_METRICS_TOKEN_FILE', path: ['metrics', 'tokenFile'], parse: String, help: 'file holding the bearer token /_trove/metrics requires' },
  { flag: 'log-format', env: 'TROVE_LOG_FORMAT', path: ['logFormat'], parse: logFormat, help: 'auto|json|pretty (auto: pretty on a terminal, JSON lines otherwise)' },
  { flag: 'import-upload-max-bytes', env: 'TROVE_IMPORT_UPLOAD_MAX_BYTES', path: ['bodyLimits', 'importUpload'], parse: positiveInt, help: 'largest file `trove import --from ./file` may send (default 256 MiB)' },
  { flag: 'import-max-unzipped-bytes', env: 'TROVE_IMPORT_MAX_UNZIPPED_BYTES', path: ['rekognition', 'maxImportUnzippedBytes'], parse: positiveInt, help: 'most bytes a gzip-compressed YOLO archive an import reads may unpack to (default 4 GiB)' },
  { flag: 'import-upload-min-bytes-per-second', env: 'TROVE_IMPORT_UPLOAD_MIN_BYTES_PER_SECOND', path: ['importUploadMinBytesPerSecond'], parse: positiveInt, help: 'slowest average an upload may keep past --request-timeout-ms (default 32 KiB/s)' },
  { flag: 'import-upload-max-staged-bytes-per-account', env: 'TROVE_IMPORT_UPLOAD_MAX_STAGED_BYTES_PER_ACCOUNT', path: ['importUploadStaging', 'maxBytesPerAccount'], parse: positiveInt, help: 'bytes of uploads an account may have staged at once (default 1 GiB)' },
  { flag: 'import-upload-max-staged-bytes', env: 'TROVE_IMPORT_UPLOAD_MAX_STAGED_BYTES', path: ['importUploadStaging', 'maxBytes'], parse: positiveInt, help: 'bytes of uploads staged at once in all (default 4 GiB)' },
  { flag: 'failed-jobs-max-kept-bytes-per-account', env: 'TROVE_FAILED_JOBS_MAX_KEPT_BYTES_PER_ACCOUNT', path: ['jobs', 'maxKeptFailedBytesPerAccount'], parse: positiveInt, help: 'bytes of failed jobs\' requests kept for RetryJob per account (default 256 MiB; the oldest go first)' },
  { flag: 'failed-jobs-max-kept-bytes', env: 'TROVE_FAILED_JOBS_MAX_KEPT_BYTES', path: ['jobs', 'maxKeptFailedBytes'], parse: positiveInt, help: 'bytes of failed jobs\' requests kept for RetryJob in all (default 2 GiB)' },
  { flag: 'store-write-probe-ms', env: 'TROVE_STORE_WRITE_PROBE_MS', path: ['storeWriteProbeMs'], parse: nonNegativeInt, help: 'a node checks its store can write this often (a one-row write), for /_trove/health (default 15000; 0: never)' },
  { flag: 'page-read-bytes', env: 'TROVE_PAGE_READ_BYTES', path: ['pageReadBytes'], parse: positiveInt, help: 'bytes of stored lines a paged read of whole Rekognition entries holds at most (default 4 MiB)' },
] as const;

/** Settings read from the environment only: secrets must not appear in a process list. */
export const ENV_ONLY_SETTINGS = [
  { env: 'TROVE_MASTER_KEY', path: ['auth', 'masterKey'], help: '32-byte key (64 hex digits or base64) encrypting stored secrets' },
  { env: 'TROVE_MASTER_KEY_PREVIOUS', path: ['auth', 'previousMasterKey'], help: 'the master key being rotated away from (accepted beside the new one)' },
  { env: 'TROVE_METRICS_TOKEN', path: ['metrics', 'token'], help: 'bearer token /_trove/metrics requires' },
  { env: 'TROVE_S3_ACCESS_KEY_ID', path: ['objectStore', 's3', 'accessKeyId'], help: 'S3 access key id (else the AWS SDK default chain)' },
  { env: 'TROVE_S3_SECRET_ACCESS_KEY', path: ['objectStore', 's3', 'secretAccessKey'], help: 'S3 secret access key' },
  { env: 'TROVE_S3_SESSION_TOKEN', path: ['objectStore', 's3', 'sessionToken'], help: 'S3 session token (temporary credentials)' },
] as const;

function nonNegative(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error(`not a number >= 0: ${text}`);
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`not a port: ${text}`);
  return value;
}

function nonNegativeInt(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0) throw new Error(`not an integer >= 0: ${text}`);
  return value;
}

function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`not a positive integer: ${text}`);
  return value;
}

function parsedUrl(text: string, expected: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new Error(`not a URL (expected ${expected})`);
  }
}

function databaseUrl(text: string): string {
  const url = parsedUrl(text, 'postgres://user:password@host:port/database');
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

function logFormat(text: string): Config['logFormat'] {
  if (text !== 'auto' && text !== 'json' && text !== 'pretty') throw new Error(`not auto, json or pretty: ${text}`);
  return text;
}

function synchronous(text: string): Config['sqliteSynchronous'] {
  const upper = text.toUpperCase();
  if (upper !== 'FULL' && upper !== 'NORMAL') throw new Error(`not FULL or NORMAL: ${text}`);
  return upper;
}

function onOff(text: string): boolean {
  const lower = text.toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(lower)) return true;
  if (['off', 'false', '0', 'no'].includes(lower)) return false;
  throw new Error(`not on/off: ${text}`);
}

function metricsMode(text: string): Config['metrics']['mode'] {
  if (text !== 'auto' && text !== 'on' && text !== 'off') throw new Error(`not auto, on or off: ${text}`);
  return text;
}

function objectStoreMode(text: string): ObjectStoreConfig['mode'] {
  if (text !== 'auto' && text !== 'folder' && text !== 's3') throw new Error(`not auto, folder or s3: ${text}`);
  return text;
}

function commaList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function regionList(text: string): string[] {
  const regions = commaList(text);
  const bad = regions.find((region) => !REGION_FORMAT.test(region) || region.length > 32);
  if (bad !== undefined) throw new Error(`not a region name (lower-case letters, digits and dashes, like us-east-1): ${bad}`);
  return regions;
}

/** An origin only: behind a proxy that strips a path prefix, SigV4 signatures over the path would not match. */
function publicUrl(text: string): string {
  const url = parsedUrl(text, 'an origin like https://trove.example.com');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not http:// or https://: ${text}`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`expected an origin like https://trove.example.com, without a path, query or credentials: ${text}`);
  }
  return url.origin;
}

/** Addresses or CIDRs (IPv4 or IPv6), or proxy-addr's names loopback, linklocal, uniquelocal. */
function proxyList(text: string): string[] {
  const proxies = commaList(text);
  for (const proxy of proxies) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(proxy)) continue;
    const [address, bits, extra] = proxy.split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`not an IP address or CIDR (like 10.0.0.5 or 10.0.0.0/8): ${proxy}`);
    }
  }
  return proxies;
}
