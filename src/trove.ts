import { mkdirSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { parseCredentialScope } from './auth/credential-scope.js';
import type { Config } from './config/schema.js';
import type { Caller } from './domain/caller.js';
import { ConflictException, ValidationException } from './api/agentcore/errors.js';
import { DatasetService as AcDatasetService } from './domain/agentcore/dataset-service.js';
import { DownloadLinks } from './domain/agentcore/download-links.js';
import { DownloadService } from './domain/agentcore/download-service.js';
import { ExampleService } from './domain/agentcore/example-service.js';
import { VersionService } from './domain/agentcore/version-service.js';
import { Idempotency } from './domain/idempotency.js';
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
import { createObjectStore } from './object-store/create-object-store.js';
import type { ObjectStore } from './object-store/object-store.js';
import { SignedTokenCodec } from './lib/signed-token.js';
import { TokenBuckets } from './lib/token-bucket.js';
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
  const unlock = lockDirectory(ensureDir(config.dataDir));
  let store: Store | undefined;
  let objects: ObjectStore | undefined;
  try {
    objects = createObjectStore(config.objectStore, config.dataDir);
    logger.info({ objectStore: objects.description }, 's3:// objects are read from the object store');
    store = await createStore({ dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous });
    // Embedded store: the directory lock proves no other process runs these jobs, so resume them now.
    const resumed = await store.jobs.releaseAllRunning();
    if (resumed > 0) logger.warn({ resumed }, 'resuming jobs interrupted by the last shutdown');

    const tokens = new SignedTokenCodec(await store.settings.secret('page-token-key'));
    const runner = new JobRunner(store, jobDefinitions({
      rekognition: { limits: config.rekognition, objects, imageChecks: config.imageChecks },
      // Never collect rows a live page token or download link may still read.
      agentcore: {
        garbageAfterMs: Math.max(config.agentcore.garbageAfterMs, config.pageTokenTtlMs + config.agentcore.downloadUrlTtlMs),
        objects,
        limits: config.agentcore,
      },
    }), config.jobs, clock, logger.child({ component: 'jobs' }));
    const deps: RekognitionDeps = {
      store,
      clock,
      stamps: new MonotonicStamp(),
      pageTokens: new PageTokens(tokens, clock, config.pageTokenTtlMs),
      limits: config.rekognition,
      objects,
      jobsEnqueued: () => runner.wake(),
    };
    const projects = new ProjectService(deps);
    const datasets = new DatasetService(deps, projects);
    const entries = new EntryService(deps, datasets);
    const agentcore = await wireAgentCore(config, store, clock, deps.pageTokens, () => runner.wake());
    const openStore = store;
    const openObjects = objects;
    const app = await buildApp({
      config: { defaultRegion: config.defaultRegion, account: LOCAL_ACCOUNT, awsJsonBodyLimit: 8 * 1024 * 1024, requestTimeoutMs: config.requestTimeoutMs, restJsonBodyLimit: 5 * 1024 * 1024 },
      logger,
      rekognition: { projects, datasets, entries },
      agentcore: agentcore.services,
      downloads: (token) => agentcore.downloads.open(token),
      admit: agentcore.admit,
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
        openObjects.close();
        unlock();
      })()),
    };
  } catch (error) {
    await store?.close().catch(() => undefined);
    objects?.close();
    unlock();
    throw error;
  }
}

/** The AgentCore dataset domain: services, download links, idempotency, throttling. */
async function wireAgentCore(config: Config, store: Store, clock: Clock, pageTokens: PageTokens, jobsEnqueued: () => void) {
  const links = new DownloadLinks(new SignedTokenCodec(await store.settings.secret('download-link-key')), clock, config.agentcore.downloadUrlTtlMs);
  const deps = {
    store,
    clock,
    pageTokens,
    // AWS: the service-wide ValidationExceptionReason has IdempotentParameterMismatchException (facts §5.5, UNCONFIRMED use).
    idempotency: new Idempotency(clock, config.agentcore.idempotencyWindowMs,
      (message) => new ValidationException(message, 'IdempotentParameterMismatchException'),
      (message) => new ConflictException(message)),
    downloads: links,
    limits: config.agentcore,
    jobsEnqueued,
  };
  const datasets = new AcDatasetService(deps);
  const buckets = config.agentcore.requestsPerSecond > 0 ? new TokenBuckets(config.agentcore.requestsPerSecond, clock) : undefined;
  return {
    services: { datasets, examples: new ExampleService(deps, datasets), versions: new VersionService(deps, datasets) },
    downloads: new DownloadService(store, links),
    admit: buckets && ((caller: Caller) => buckets.take(`${caller.account}/${caller.region}`)),
  };
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
