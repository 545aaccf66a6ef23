import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import '../../protocols/request-fields.js';

/**
 * Every response carries `x-amzn-RequestId` (the JS SDK and botocore read it into
 * `$metadata.requestId` / `ResponseMetadata.RequestId`), and every request is logged once.
 */
export const requestContext = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request, reply) => {
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
