import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Authenticator, LOCAL_CREDENTIAL } from './auth/authenticate.js';
import { openWithConfiguredKeys } from './auth/credential-service.js';
import type { CredentialService } from './auth/credential-service.js';
import { isLoopbackHost } from './auth/loopback.js';
import { keyFingerprint } from './auth/master-key.js';
import { MasterKeyReloader } from './auth/master-key-reload.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { acceptedRegions } from './auth/regions.js';
import { BucketService } from './buckets/bucket-service.js';
import { ObjectAccess } from './buckets/object-access.js';
import type { Config } from './config/schema.js';
import { ConflictException, ValidationException } from './api/agentcore/errors.js';
import { DatasetService as AcDatasetService } from './domain/agentcore/dataset-service.js';
import { AGENTCORE_LINK, AgentCoreDownloads } from './domain/agentcore/download-service.js';
import { DownloadLinks } from './domain/downloads/download-links.js';
import { DownloadService } from './domain/downloads/download-service.js';
import { ExportService } from './domain/exchange/export-service.js';
import { ImportService } from './domain/exchange/import-service.js';
import { ExampleService } from './domain/agentcore/example-service.js';
import { TagService } from './domain/agentcore/tag-service.js';
import { VersionService } from './domain/agentcore/version-service.js';
import { Idempotency } from './domain/idempotency.js';
import { JobControl } from './domain/jobs/job-control.js';
import { JobListing } from './domain/jobs/job-listing.js';
import { PageTokens } from './domain/pagination.js';
import { DatasetService } from './domain/rekognition/dataset-service.js';
import { EntryService } from './domain/rekognition/entry-service.js';
import { DEFAULT_MAX_SNAPSHOTS_PER_DATASET } from './domain/rekognition/history/history-deps.js';
import { HistoryService } from './domain/rekognition/history/history-service.js';
import { SnapshotService } from './domain/rekognition/history/snapshot-service.js';
import { Thumbnails } from './domain/rekognition/images/thumbnails.js';
import { ImageAccess } from './domain/rekognition/images/image-access.js';
import { ImageUploads } from './domain/uploads/image-uploads.js';
import { ProjectService } from './domain/rekognition/project-service.js';
import type { RekognitionDeps } from './domain/rekognition/rekognition-deps.js';
import { jobDefinitions } from './jobs/registry.js';
import { Maintenance, removeOrphanUpload } from './jobs/maintenance.js';
import { JobRunner } from './jobs/runner.js';
import { systemClock } from './lib/clock.js';
import type { Clock } from './lib/clock.js';
import { lockDirectory } from './lib/dir-lock.js';
import { MonotonicStamp } from './lib/ids.js';
import { Metrics } from './observability/metrics.js';
import { metricsAccess } from './observability/metrics-access.js';
import { createObjectStore } from './object-store/create-object-store.js';
import type { ObjectStore } from './object-store/object-store.js';
import { SignedTokenCodec } from './lib/signed-token.js';
import { buildApp } from './server/app.js';
import { certificateFingerprint, loadTls, reloadTls } from './server/tls.js';
import type { Server as TlsServer } from 'node:tls';
import type { TroveApp } from './server/app.js';
import { createStore } from './store/create-store.js';
import { prepareDataDir } from './store/sqlite/database-files.js';
import type { Store } from './store/store.js';
import { abandonedUploadMs, orphanUploadRemovalMs, progressMarkMs } from './domain/uploads/upload-pace.js';

export interface Trove {
  /** Base URL the server listens on, e.g. http://127.0.0.1:4599 (https:// with --tls-cert). */
  readonly url: string;
  readonly app: TroveApp;
  readonly store: Store;
  readonly runner: JobRunner;
  /** Access keys (what `trove credentials` manages), for tests and embedding. */
  readonly credentials: CredentialService;
  /** Bucket owners and grants (what `trove buckets` manages), for tests and embedding. */
  readonly buckets: BucketService;
  readonly maintenance: Maintenance;
  /** This server's Prometheus metrics (served at /_trove/metrics where the configuration allows). */
  readonly metrics: Metrics;
  /**
   * Re-reads what operators replace while Trove runs (SIGHUP): the TLS certificate and key, and the
   * master key. Each part that cannot be used is refused with a log line and the old one stays.
   * Never rejects; the master keys are re-read one reload at a time, after any still running.
   */
  reload(): Promise<void>;
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
  // Read before anything is opened: a bad key file stops start-up with one line and nothing to undo.
  const tls = loadTls(config.tls);
  const access = metricsAccess(config.metrics, config.host);
  const metrics = new Metrics();
  for (const warning of prepareDataDir(config.dataDir)) logger.warn(warning);
  const unlock = embedded ? lockDirectory(config.dataDir) : () => undefined;
  let store: Store | undefined;
  let objects: ObjectStore | undefined;
  try {
    objects = createObjectStore(config.objectStore, config.dataDir);
    logger.info({ objectStore: objects.description }, 's3:// objects are read from the object store');
    store = await createStore({
      ...config,
      onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost; it will be replaced'),
      onWarning: (message) => logger.warn(message),
      onDatabaseWait: (error, waitedMs) => logger.warn({ err: error.message, waitedMs, giveUpAfterMs: config.databaseWaitMs }, 'waiting for the database to accept connections'),
      onStoreError: (error) => metrics.storeError(error),
      sqlObserver: (engine) => metrics.database(engine),
    });
    if (embedded) {
      // The directory lock proves no other process runs these jobs, so resume them now.
      const resumed = await store.jobs.releaseAllRunning();
      if (resumed > 0) logger.warn({ resumed }, 'resuming jobs interrupted by the last shutdown');
      // Nor is an upload still arriving: one no import took was cut off by the last shutdown.
      // Removed now rather than by the sweep ten minutes or more later (its pieces hold disk until then).
      let removed = 0;
      for (let ids; (ids = await store.importUploads.orphans(Number.MAX_SAFE_INTEGER, 100)).length > 0;) {
        for (const id of ids) if (await removeOrphanUpload(store, id, Number.MAX_SAFE_INTEGER)) removed++;
      }
      if (removed > 0) logger.warn({ removed }, 'removed uploads the last shutdown cut off');
    }

    const credentials = await openCredentials(config, store, clock, logger);
    const masterKeys = new MasterKeyReloader(credentials, { ...config.auth, dataDir: config.dataDir }, logger);
    const authenticator = new Authenticator({
      credentials,
      clock,
      localPairAllowed: isLoopbackHost(config.host),
      cacheMs: config.auth.credentialCacheMs,
      rateLimiter: new RateLimiter(config.throttle, clock),
      regions: acceptedRegions(config.regions),
    });
    credentials.onChange(() => authenticator.invalidate());
    // The one gate to the object store: the domain and the jobs only ever get readers bound to a caller.
    const buckets = new BucketService(store, clock);
    const objectAccess = new ObjectAccess({
      objects, buckets: store.buckets, credentials: store.credentials, localPairAllowed: isLoopbackHost(config.host),
      cacheMs: config.auth.credentialCacheMs, clock,
    });
    credentials.onChange(() => objectAccess.invalidate());
    buckets.onChange(() => objectAccess.invalidate());

    const tokens = new SignedTokenCodec(await store.settings.secret('page-token-key'));
    const pace = { requestTimeoutMs: config.requestTimeoutMs, minBytesPerSecond: config.importUploadMinBytesPerSecond };
    const maintenance = new Maintenance(store, {
      intervalMs: config.maintenanceIntervalMs, pageTokenTtlMs: config.pageTokenTtlMs, failedJobRetentionMs: config.jobs.failedRetentionMs,
      orphanUploadRemovalMs: orphanUploadRemovalMs(pace),
    }, clock, logger.child({ component: 'maintenance' }));
    const definitions = jobDefinitions({
      rekognition: {
        limits: config.rekognition, objects: objectAccess, imageChecks: config.imageChecks, observer: metrics,
        entriesCommitted: () => maintenance.indexSourceRefsSoon(),
      },
      agentcore: {
        garbageAfterMs: agentcoreGarbageAfterMs(config),
        objects: objectAccess,
        limits: config.agentcore,
      },
    });
    const runner = new JobRunner(store, definitions, config.jobs, clock, logger.child({ component: 'jobs' }), metrics);
    const watched = store;
    metrics.watch({
      jobKinds: definitions.map((definition) => definition.kind),
      jobTally: () => watched.jobs.tally(),
      poolStats: () => watched.poolStats(),
      lockWaits: () => watched.lockWaits(),
      now: () => clock.now(),
    });
    if (!access.serve) logger.info({ reason: access.reason }, 'metrics are not served (GET /_trove/metrics)');
    const deps: RekognitionDeps = {
      store,
      clock,
      stamps: new MonotonicStamp(),
      pageTokens: new PageTokens(tokens, clock, config.pageTokenTtlMs),
      limits: config.rekognition,
      objects: objectAccess,
      jobsEnqueued: (accepted) => runner.wake(accepted),
    };
    const projects = new ProjectService(deps);
    const datasets = new DatasetService(deps, projects);
    const entries = new EntryService(deps, datasets);
    const images = new ImageAccess(deps, datasets);
    const historyDeps = { ...deps, maxSnapshotsPerDataset: DEFAULT_MAX_SNAPSHOTS_PER_DATASET };
    const history = new HistoryService(historyDeps);
    const links = new DownloadLinks(new SignedTokenCodec(await store.settings.secret('download-link-key')), clock, config.agentcore.downloadUrlTtlMs);
    const agentcore = wireAgentCore(config, store, clock, deps.pageTokens, objectAccess, links, runner);
    // Open formats in and out (docs/trove-api.md): exports read through history, their links are served beside AgentCore's downloads.
    const exports = new ExportService({ links, revisions: history, agentcore: agentcore.services.datasets, clock });
    const imports = new ImportService({ store, objects: objectAccess, entries, clock, logger, maxUploadBytes: config.bodyLimits.importUpload,
      stagedCaps: { perAccount: config.importUploadStaging.maxBytesPerAccount, total: config.importUploadStaging.maxBytes },
      progressMarkMs: progressMarkMs(pace), abandonedUploadMs: abandonedUploadMs(pace),
    });
    const downloads = new DownloadService(links, { [AGENTCORE_LINK]: new AgentCoreDownloads(store), rekognition: exports });
    const openStore = store;
    const openObjects = objects;
    const app = await buildApp({
      config: {
        awsJsonBodyLimit: config.bodyLimits.awsJson, restJsonBodyLimit: config.bodyLimits.restJson,
        requestTimeoutMs: config.requestTimeoutMs, idleTimeoutMs: config.idleTimeoutMs, uploadMinBytesPerSecond: config.importUploadMinBytesPerSecond,
        tls, publicUrl: config.publicUrl, trustProxy: config.trustProxy,
      },
      logger,
      rekognition: { projects, datasets, entries },
      agentcore: agentcore.services,
      trove: {
        exports, imports, rekognitionEntries: entries, jobs: new JobListing(store, deps.pageTokens),
        jobControl: new JobControl({ store, clock, objects: objectAccess, jobsEnqueued: () => runner.wake(), cancelQueued: (jobId) => runner.cancelNow(jobId) }),
        history, snapshots: new SnapshotService(historyDeps), imageUploads: new ImageUploads(objectAccess),
      },
      downloads: (token, signal) => downloads.open(token, signal),
      ready: () => openStore.health(),
      authenticator,
      console: {
        assetsDir: config.console.assetsDir ?? CONSOLE_ASSETS,
        config: async () => ({
          localPair: await localPair(config, credentials), defaultRegion: 'us-east-1', importUploadMaxBytes: config.bodyLimits.importUpload,
        }),
      },
      images: (caller, datasetArn, sourceRef) => images.open(caller, datasetArn, sourceRef),
      thumbnails: new Thumbnails(),
      requestMetrics: metrics,
      metrics: access.serve ? { token: access.token, text: () => metrics.text() } : undefined,
    });
    // Listen first: when the port is taken nothing has started that would go on using the store
    // it closes. Requests accepted meanwhile only enqueue jobs, which start() picks up.
    await app.listen({ host: config.host, port: config.port });
    runner.start();
    maintenance.start();
    if (config.storeWriteProbeMs > 0) store.watchHealth(config.storeWriteProbeMs);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    if (tls) logger.info({ certificate: certificateFingerprint(tls) }, 'TLS certificate');
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      store,
      runner,
      credentials,
      buckets,
      maintenance,
      metrics,
      async reload() {
        if (tls) {
          try {
            const renewed = reloadTls(app.server as unknown as TlsServer, config.tls);
            logger.info({ certificate: certificateFingerprint(renewed) }, 'TLS certificate reloaded');
          } catch (error) {
            logger.error({ err: error instanceof Error ? error.message : String(error) }, 'TLS certificate NOT reloaded: still serving the one loaded before');
          }
        }
        // Queued behind any master-key reload running (MasterKeyReloader keeps the one queue). A
        // refused or failed reload is logged there, once, and resolves false. The catch is the last
        // resort that keeps reload() from ever rejecting should that change: `trove serve` starts it
        // from a signal handler, where a rejection would be unhandled until shutdown awaits it.
        await masterKeys.reload('reload requested (SIGHUP)').catch((error: unknown) => {
          logger.error({ reason: 'reload requested (SIGHUP)', err: error instanceof Error ? error.message : String(error) }, 'master key NOT reloaded: still using the keys loaded before');
        });
      },
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

/** Never collect example rows a live page token or download link may still read. */
function agentcoreGarbageAfterMs(config: Config): number {
  return Math.max(config.agentcore.garbageAfterMs, config.pageTokenTtlMs + config.agentcore.downloadUrlTtlMs);
}

/** The AgentCore dataset domain: services, download links, idempotency. */
function wireAgentCore(config: Config, store: Store, clock: Clock, pageTokens: PageTokens, objects: ObjectAccess, links: DownloadLinks, runner: JobRunner) {
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
    objects,
    jobsEnqueued: () => runner.wake(),
    publishesInline: () => runner.takesWork,
    garbageAfterMs: agentcoreGarbageAfterMs(config),
  };
  const datasets = new AcDatasetService(deps);
  return {
    services: { datasets, examples: new ExampleService(deps, datasets), versions: new VersionService(deps, datasets), tags: new TagService(deps) },
  };
}

/**
 * Opens the credential store with the master key, and refuses to serve a non-loopback address
 * without credentials: the local test/test pair only works on loopback, so nobody could sign in.
 */
async function openCredentials(config: Config, store: Store, clock: Clock, logger: Logger): Promise<CredentialService> {
  const { credentials, current, previous } = await openWithConfiguredKeys(store, { ...config.auth, dataDir: config.dataDir }, clock);
  const keys = { masterKey: keyFingerprint(current.key), previousMasterKey: previous && keyFingerprint(previous.key) };
  if (credentials.storeKey === 'previous') {
    logger.warn(keys, 'stored secrets are still encrypted with TROVE_MASTER_KEY_PREVIOUS: run `trove credentials rotate-master-key` once every node has both keys');
  } else if (previous) {
    logger.warn(keys, 'stored secrets are encrypted with TROVE_MASTER_KEY: TROVE_MASTER_KEY_PREVIOUS is no longer needed; restart without it');
  } else {
    logger.info(keys, 'master key');
  }
  if (!isLoopbackHost(config.host) && (await credentials.count()) === 0) {
    throw new Error(
      `Refusing to listen on ${config.host}: it is not a loopback address and no credentials exist, so the service would be `
      + 'reachable from the network without any way to sign in. Create one first with '
      + `\`trove credentials create --account <12 digits> --data-dir ${config.dataDir}\`, or bind to 127.0.0.1 for local use.`,
    );
  }
  return credentials;
}

/** The built console: dist/console/ of this installation, seen from src/ (tests) and dist/ alike. */
const CONSOLE_ASSETS = fileURLToPath(new URL('../dist/console/', import.meta.url));

/**
 * The documented local pair, for the console to fill in, exactly while Authenticator accepts it:
 * a loopback bind and no credential created. It is public (README), never a stored secret.
 */
export async function localPair(config: Config, credentials: CredentialService): Promise<{ accessKeyId: string; secretAccessKey: string } | null> {
  if (!isLoopbackHost(config.host) || (await credentials.count()) > 0) return null;
  return { accessKeyId: LOCAL_CREDENTIAL.accessKeyId, secretAccessKey: LOCAL_CREDENTIAL.secretAccessKey };
}
