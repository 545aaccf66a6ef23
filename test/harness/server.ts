import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import type { BedrockAgentCoreControlClientConfig } from '@aws-sdk/client-bedrock-agentcore-control';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { RekognitionClientConfig } from '@aws-sdk/client-rekognition';
import { loadConfig } from '../../src/config/load.js';
import type { DeepPartial } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Clock } from '../../src/lib/clock.js';
import type { IssuedCredential, NewCredential } from '../../src/auth/credential-service.js';
import { createLogger } from '../../src/observability/logger.js';
import { startTrove } from '../../src/trove.js';
import type { Trove } from '../../src/trove.js';
import type { Backend } from './backends.js';
import { createTestDatabase } from './postgres.js';
import type { TestDatabase } from './postgres.js';

export interface TestServer {
  readonly url: string;
  readonly trove: Trove;
  readonly dataDir: string;
  readonly backend: Backend;
  /** The PostgreSQL database of this server (backend 'postgres' only). */
  readonly databaseUrl?: string;
  /** An official SDK client pointed at this server (dummy credentials, any region). */
  rekognition(config?: Partial<RekognitionClientConfig>): RekognitionClient;
  /**
   * Creates an access key in this server's store, as `trove credentials create` does. Once one
   * exists the local test/test pair stops working on this server.
   */
  createCredential(input: NewCredential): Promise<IssuedCredential>;
  /** The official AgentCore Control client pointed at this server (only `endpoint` overridden). */
  agentcore(config?: Partial<BedrockAgentCoreControlClientConfig>): BedrockAgentCoreControlClient;
  close(): Promise<void>;
}

/** The system clock moved forward on demand (SigV4's 15-minute window leaves room for small moves). */
export class MovableClock implements Clock {
  #offsetMs = 0;
  now(): number {
    return Date.now() + this.#offsetMs;
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The master key of test servers on PostgreSQL: nodes sharing one database must share the key
 * that encrypts its stored credentials (each would otherwise create its own in its data dir).
 */
export const TEST_MASTER_KEY = '5452f76e5452f76e5452f76e5452f76e5452f76e5452f76e5452f76e5452f76e';

export interface ServerOptions extends DeepPartial<Config> {
  /** Storage engine (default sqlite); 'postgres' gets a fresh database on the test run's server. */
  readonly backend?: Backend;
  /** The server's time source (default the system clock): a test that moves time never sleeps or races the machine's load. */
  readonly clock?: Clock;
  /** Where the server logs (default: silent, or TROVE_TEST_LOG_LEVEL): a test of what is logged passes its own. */
  readonly logger?: Logger;
}

/**
 * Starts a real Trove on a free port with a fresh data directory (SQLite) or a fresh database
 * (PostgreSQL), exactly as `trove serve` does. Loop over BACKENDS and pass `{ backend }`.
 */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const { backend = 'sqlite', clock, logger, ...overrides } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'trove-test-'));
  let database: TestDatabase | undefined;
  let trove: Trove;
  try {
    database = backend === 'postgres' && overrides.databaseUrl === undefined ? await createTestDatabase() : undefined;
    const config = loadConfig({
      overrides: {
        host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', sqliteSynchronous: 'NORMAL', jobs: { pollMs: 50 },
        ...(database ? { databaseUrl: database.url, databasePoolSize: 5 } : {}),
        ...(backend === 'postgres' ? { auth: { masterKey: TEST_MASTER_KEY } } : {}),
        ...overrides,
      },
    });
    trove = await startTrove(config, logger ?? createLogger(process.env.TROVE_TEST_LOG_LEVEL ?? 'silent'), clock);
  } catch (error) {
    await database?.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const clients: { destroy(): void }[] = [];
  return {
    url: trove.url,
    trove,
    dataDir,
    backend,
    databaseUrl: database?.url ?? overrides.databaseUrl,
    rekognition(clientConfig = {}) {
      const client = new RekognitionClient({ endpoint: trove.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, ...clientConfig });
      clients.push(client);
      return client;
    },
    createCredential: (input) => trove.credentials.create(input),
    agentcore(clientConfig = {}) {
      const client = new BedrockAgentCoreControlClient({ endpoint: trove.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, ...clientConfig });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await trove.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
