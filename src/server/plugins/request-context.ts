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
    const entry = { method: request.method, url: request.url, operation: request.operationName, status, ms: Math.round(reply.elapsedTime) };
    if (status >= 500) request.log.error(entry, 'request failed');
    else request.log.info(entry, 'request');
  });
});
