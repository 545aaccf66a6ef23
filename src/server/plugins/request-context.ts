import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import '../../protocols/request-fields.js';

export interface RequestContextOptions {
  /** The origin clients use (`--public-url`); undefined: each request's own. */
  readonly publicUrl?: string;
  /** Counts every answered request (observability/metrics.ts). */
  readonly metrics?: { request(api: string, operation: string, status: number, ms: number): void };
}

/**
 * Every response carries `x-amzn-RequestId` (the JS SDK and botocore read it into
 * `$metadata.requestId` / `ResponseMetadata.RequestId`), every request knows the origin its
 * client reached (for links), and every request is logged once and counted once: by API and
 * operation where a protocol resolved them, else by route (`/_trove/...`).
 */
export const requestContext = fp(async (app: FastifyInstance, options: RequestContextOptions) => {
  app.decorateRequest('origin', '');
  app.addHook('onRequest', async (request, reply) => {
    request.origin = options.publicUrl ?? requestOrigin(request);
    reply.header('x-amzn-RequestId', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const entry = {
      method: request.method, url: redactSignature(request.url), operation: request.operationName,
      accessKeyId: request.accessKeyId, account: request.account, status, ms: Math.round(reply.elapsedTime),
    };
    if (status >= 500) request.log.error(entry, 'request failed');
    else if (status < 400 && isConsoleFetch(request.url)) request.log.debug(entry, 'request');
    else request.log.info(entry, 'request');
    // Labels come from fixed sets (signing names, operation names, route templates), never from the URL itself.
    options.metrics?.request(request.apiName ?? 'http', request.operationName ?? request.routeOptions.url ?? 'unmatched', status, reply.elapsedTime);
    // A request refused from its headers alone (no credential, body too large) is answered before
    // its body is read. Node then reads and discards the rest, but gives the sender the whole
    // keep-alive time and does not close on the socket timeout; a stalled sender is cut off here.
    const idle = app.server.timeout;
    const socket = request.raw.socket;
    if (!request.raw.complete && idle > 0 && socket) {
      const cutOff = () => socket.destroy();
      socket.setTimeout(idle);
      socket.once('timeout', cutOff);
      request.raw.once('end', () => socket.off('timeout', cutOff));
    }
  });
});

/** A host, or host:port, fit for a URL: a name, an IPv4 address, or an IPv6 address in brackets. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * scheme://host the client reached: the connection's scheme and the Host header, or, from a
 * `--trust-proxy` peer only, its X-Forwarded-Proto and X-Forwarded-Host (Fastify's trustProxy
 * decides whose headers `request.protocol` and `request.host` read). A forwarded value that is
 * not a plain scheme or host is ignored rather than put into a link.
 */
function requestOrigin(request: FastifyRequest): string {
  const encrypted = (request.raw.socket as TLSSocket | undefined)?.encrypted === true;
  const protocol = request.protocol === 'https' || request.protocol === 'http' ? request.protocol : encrypted ? 'https' : 'http';
  const host = HOST.test(request.host) ? request.host : request.headers.host ?? '';
  return `${protocol}://${host}`;
}

/**
 * The console's own files and its thumbnails: dozens per page view, interesting only when
 * something is wrong, so they are logged at debug unless they fail.
 */
function isConsoleFetch(url: string): boolean {
  return url.startsWith('/_trove/console/') || url.startsWith('/_trove/images?') || url === '/_trove/console';
}

/** Presigned signatures and download-link tokens are bearer credentials until they expire: never log them. */
export function redactSignature(url: string): string {
  return url
    .replace(/([?&](?:X-Amz-Signature|X-Amz-Security-Token|sig|signature)=)[^&]*/gi, '$1REDACTED')
    .replace(/^(\/_trove\/downloads\/)[^/?]+/, '$1REDACTED');
}
