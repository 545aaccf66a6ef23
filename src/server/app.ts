import { createServer as createHttpServer } from 'node:http';
import type { RequestListener, Server as HttpServer, ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController } from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { newRequestId } from '../lib/ids.js';
import type { DownloadRoutesOptions } from './routes/download-routes.js';
import { downloadRoutes } from './routes/download-routes.js';
import { agentCoreOperations } from '../operations/agentcore/index.js';
import type { AgentCoreServices } from '../operations/agentcore/services.js';
import { awsJsonProtocol } from '../protocols/aws-json/plugin.js';
import { agentCoreService } from '../protocols/rest-json/agentcore-service.js';
import { troveApiService } from '../protocols/rest-json/trove-service.js';
import { troveOperations } from '../operations/trove/index.js';
import type { TroveServices } from '../operations/trove/services.js';
import { renderFrameworkError, restJsonProtocol } from '../protocols/rest-json/plugin.js';
import { rekognitionService } from '../protocols/aws-json/rekognition-service.js';
import type { RequestAuthenticator } from '../protocols/request-auth.js';
import { rekognitionOperations } from '../operations/rekognition/index.js';
import type { RekognitionServices } from '../operations/rekognition/services.js';
import { boundedJson } from './plugins/bounded-json.js';
import { requestContext } from './plugins/request-context.js';
import { troveRoutes } from './routes/trove-routes.js';
import type { TlsFiles } from './tls.js';
import { consoleRoutes } from './routes/console-routes.js';
import type { ConsoleRoutesOptions } from './routes/console-routes.js';
import { imageRoutes } from './routes/image-routes.js';
import { browserRedirect } from './routes/browser-redirect.js';
import type { ImageRoutesOptions } from './routes/image-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import type { MetricsRoutesOptions } from './routes/metrics-routes.js';
import type { RequestContextOptions } from './plugins/request-context.js';
import { PacedBodies } from '../protocols/paced-bodies.js';

export interface AppConfig {
  /** Largest awsJson request body, bytes (a 5 MB blob is ~7 MB of base64). */
  readonly awsJsonBodyLimit: number;
  /** Longest a client may take to send a whole request (slow clients are cut off). */
  readonly requestTimeoutMs: number;
  /** A streamed upload's body is bound by its progress instead: the slowest average it may keep (domain/uploads/upload-pace.ts). */
  readonly uploadMinBytesPerSecond: number;
  /** Silence after which a connection is closed (stalled clients hold no more than a socket). */
  readonly idleTimeoutMs: number;
  /** Largest restJson request body, bytes (AgentCore: 5 MB of inline examples). */
  readonly restJsonBodyLimit: number;
  /** Serve HTTPS with this certificate and key; undefined: plain HTTP. */
  readonly tls?: TlsFiles;
  /** The origin clients use (`https://trove.example.com`), for links Trove hands out; undefined: the request's own. */
  readonly publicUrl?: string;
  /** Proxies (addresses, CIDRs) whose X-Forwarded-Proto/-Host are believed; empty: nobody's. */
  readonly trustProxy: readonly string[];
}

export interface AppDeps {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly rekognition: RekognitionServices;
  readonly agentcore: AgentCoreServices;
  /** Trove's own API under /_trove/api/ (docs/trove-api.md). */
  readonly trove: TroveServices;
  /** Serves the AgentCore download links under /_trove/downloads/. */
  readonly downloads: DownloadRoutesOptions['open'];
  /** Health: resolves when storage answers. */
  readonly ready: () => Promise<void>;
  /** SigV4 verification; each protocol calls it so failures render in its own format. */
  readonly authenticator: RequestAuthenticator;
  /** The web console's files and pre-sign-in settings, under /_trove/console/. */
  readonly console: ConsoleRoutesOptions;
  /** Entry images for the console, under /_trove/images. */
  readonly images: ImageRoutesOptions['open'];
  /** Resized entry images for the console's grid (`/_trove/images?…&size=N`). */
  readonly thumbnails: ImageRoutesOptions['thumbnails'];
  /** Counts requests. */
  readonly requestMetrics?: RequestContextOptions['metrics'];
  /** `GET /_trove/metrics`, where the configuration serves it (observability/metrics-access.ts). */
  readonly metrics?: MetricsRoutesOptions;
}

/**
 * Builds the HTTP application without listening (Fastify's testing guide): one encapsulated
 * context per wire protocol, each with its own parsers and error rendering, and Trove's own
 * routes under the reserved `/_trove/` prefix.
 */
export async function buildApp(deps: AppDeps) {
  const agentcore = agentCoreService(agentCoreOperations(deps.agentcore));
  const troveApi = troveApiService(troveOperations(deps.trove));
  const app = Fastify({
    // A URL Fastify can't route (bad percent-encoding) never reaches a protocol; restJson services still answer it.
    frameworkErrors: (error, request, reply) => {
      const handled = [agentcore, troveApi].some((service) => renderFrameworkError(service, error, request as FastifyRequest, reply as FastifyReply));
      if (!handled) void (reply as FastifyReply).code(400).send(error);
    },
    loggerInstance: deps.logger,
    // One log line per request comes from plugins/request-context.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => newRequestId(),
    serverFactory: nodeServer(deps.config),
    // Fastify then reads X-Forwarded-Proto/-Host (request.protocol, request.host) from these peers only.
    trustProxy: deps.config.trustProxy.length > 0 ? [...deps.config.trustProxy] : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const pacedBodies = new PacedBodies({ requestTimeoutMs: deps.config.requestTimeoutMs, minBytesPerSecond: deps.config.uploadMinBytesPerSecond });
  leaveTimeoutsToPace(app.server, pacedBodies);
  await app.register(requestContext, { publicUrl: deps.config.publicUrl, metrics: deps.requestMetrics });
  await app.register(boundedJson);
  await app.register(troveRoutes, { prefix: '/_trove', ready: deps.ready });
  await app.register(browserRedirect);
  if (deps.metrics) await app.register(metricsRoutes, { prefix: '/_trove', ...deps.metrics });
  await app.register(awsJsonProtocol, {
    services: [rekognitionService(rekognitionOperations(deps.rekognition))],
    bodyLimit: deps.config.awsJsonBodyLimit,
    authenticator: deps.authenticator,
  });
  await app.register(downloadRoutes, { prefix: '/_trove', open: deps.downloads });
  await app.register(consoleRoutes, { prefix: '/_trove', ...deps.console });
  await app.register(imageRoutes, { prefix: '/_trove', authenticator: deps.authenticator, open: deps.images, thumbnails: deps.thumbnails });
  await app.register(restJsonProtocol, {
    service: agentcore,
    bodyLimit: deps.config.restJsonBodyLimit,
    authenticator: deps.authenticator,
  });
  await app.register(restJsonProtocol, {
    service: troveApi,
    bodyLimit: deps.config.restJsonBodyLimit,
    authenticator: deps.authenticator,
    pacedBodies,
  });
  return app;
}

export type TroveApp = Awaited<ReturnType<typeof buildApp>>;

/**
 * The Node server under Fastify, HTTP or HTTPS, with the timeouts doing what their settings say.
 * Node checks request and header deadlines only every `connectionsCheckingInterval` (30 s by
 * default), so a 5 s request timeout used to cut a slow sender after up to a minute; the check
 * now runs ten times per timeout. Keep-alive connections close `idleTimeoutMs` after their last
 * response (Node adds one second, so a client never reuses a socket the server is closing).
 */
function nodeServer(config: AppConfig) {
  return (handler: RequestListener): HttpServer => {
    const options: ServerOptions = {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      keepAliveTimeout: config.idleTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(config.requestTimeoutMs / 10))),
    };
    const server = config.tls ? createHttpsServer({ ...options, ...config.tls }, handler) : createHttpServer(options, handler);
    // Any silence this long closes the connection (a stalled client holds no more than a socket).
    server.setTimeout(config.idleTimeoutMs);
    return server;
  };
}

/**
 * Node answers a request past `requestTimeout` through the server's `clientError` event (Fastify's
 * handler writes 408 and destroys the socket). A streamed upload whose body Trove is reading under
 * its own pace (PacedBodies) is left to that pace; every other request, and an upload before its
 * body is read, is cut by Node exactly as before.
 */
function leaveTimeoutsToPace(server: HttpServer, paced: PacedBodies): void {
  const handlers = server.listeners('clientError') as ((error: NodeJS.ErrnoException, socket: object) => void)[];
  server.removeAllListeners('clientError');
  server.on('clientError', (error: NodeJS.ErrnoException, socket: object) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && paced.takeRequestTimeout(socket)) return;
    for (const handler of handlers) handler.call(server, error, socket);
  });
}
