import { mkdirSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { parseCredentialScope } from './auth/credential-scope.js';
import type { Config } from './config/schema.js';
import type { Caller } from './domain/caller.js';
import { PageTokens } from './domain/pagination.js';
import { DatasetService } from './domain/rekognition/dataset-service.js';
import { EntryService } from './domain/rekognition/entry-service.js';
import { ProjectService } from './domain/rekognition/project-service.js';
import type { RekognitionDeps } from './domain/rekognition/rekognition-deps.js';
import { jobDefinitions } from './jobs/registry.js';
import { Maintenance } from './jobs/maintenance.js';
import { JobRunner } from './jobs/runner.js';
import { systemClock } from './lib/clock.js';
import type { Clock } from './lib/clock.js';
import { lockDirectory } from './lib/dir-lock.js';
import { MonotonicStamp } from './lib/ids.js';
import { SignedTokenCodec } from './lib/signed-token.js';
import { buildApp } from './server/app.js';
import type { TroveApp } from './server/app.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

/** The account every request acts as until credentials and accounts are configured. */
export const LOCAL_ACCOUNT = '000000000000';

export interface Trove {
  /** Base URL the server listens on, e.g. http://127.0.0.1:4599. */
  readonly url: string;
  readonly app: TroveApp;
  readonly store: Store;
  readonly runner: JobRunner;
  readonly maintenance: Maintenance;
  /** Graceful stop: in-flight requests finish, running jobs finish or stay durable, the store closes. */
  close(): Promise<void>;
}

/**
 * The composition root: opens the store, wires the domain, starts the job runner and the HTTP
 * server. Nothing else constructs these pieces, so tests and the CLI run exactly the same thing.
 */
export async function startTrove(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Trove> {
  // Embedded store: one process per data directory. PostgreSQL: any number of nodes share the
  // database, so there is nothing to lock and jobs of a dead node are taken over when their lease expires.
  const embedded = !config.databaseUrl;
  const unlock = embedded ? lockDirectory(ensureDir(config.dataDir)) : () => undefined;
  let store: Store | undefined;
  try {
    store = await createStore({
      ...config,
      onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost; it will be replaced'),
    });
    if (embedded) {
      // The directory lock proves no other process runs these jobs, so resume them now.
      const resumed = await store.jobs.releaseAllRunning();
      if (resumed > 0) logger.warn({ resumed }, 'resuming jobs interrupted by the last shutdown');
    }

    const tokens = new SignedTokenCodec(await store.settings.secret('page-token-key'));
    const runner = new JobRunner(store, jobDefinitions({ rekognition: config.rekognition }), config.jobs, clock, logger.child({ component: 'jobs' }));
    const deps: RekognitionDeps = {
      store,
      clock,
      stamps: new MonotonicStamp(),
      pageTokens: new PageTokens(tokens, clock, config.pageTokenTtlMs),
      limits: config.rekognition,
      jobsEnqueued: () => runner.wake(),
    };
    const projects = new ProjectService(deps);
    const datasets = new DatasetService(deps, projects);
    const entries = new EntryService(deps, datasets);
    const openStore = store;
    const app = await buildApp({
      config: { defaultRegion: config.defaultRegion, account: LOCAL_ACCOUNT, awsJsonBodyLimit: 8 * 1024 * 1024, requestTimeoutMs: config.requestTimeoutMs },
      logger,
      rekognition: { projects, datasets, entries },
      ready: async () => void (await openStore.jobs.countOpen()),
      callerOf: (request) => callerOf(request, config.defaultRegion),
    });
    const maintenance = new Maintenance(store, { intervalMs: config.maintenanceIntervalMs, pageTokenTtlMs: config.pageTokenTtlMs }, clock, logger.child({ component: 'maintenance' }));
    runner.start();
    maintenance.start();
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      store,
      runner,
      maintenance,
      close: () => (closing ??= (async () => {
        await app.close();
        await maintenance.stop();
        await runner.stop();
        await openStore.close();
        unlock();
      })()),
    };
  } catch (error) {
    await store?.close().catch(() => undefined);
    unlock();
    throw error;
  }
}

/**
 * Until request signing is enforced, the caller is the local account, in the region of the
 * request's SigV4 credential scope (every SDK signs, even with dummy keys).
 */
function callerOf(request: FastifyRequest, defaultRegion: string): Caller {
  const authorization = request.headers.authorization;
  const scope = parseCredentialScope(Array.isArray(authorization) ? authorization[0] : authorization);
  return { account: LOCAL_ACCOUNT, region: scope?.region ?? defaultRegion };
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
