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
    else request.log.info(entry, 'request');
  });
});

/** A presigned URL's signature is a bearer credential until it expires: never log it. */
export function redactSignature(url: string): string {
  return url.replace(/([?&](?:X-Amz-Signature|X-Amz-Security-Token|sig|signature)=)[^&]*/gi, '$1REDACTED');
}
