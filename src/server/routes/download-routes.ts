import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../api/errors.js';
import type { DownloadOpen } from '../../domain/downloads/download-service.js';
import { serverFault } from '../../protocols/server-fault.js';

export interface DownloadRoutesOptions {
  /** `signal` is aborted when the client goes before the status was sent (DownloadService.open). */
  readonly open: (token: string, signal: AbortSignal) => Promise<DownloadOpen>;
}

/**
 * `GET /_trove/downloads/{token}/{file name}`: the links GetDataset hands out as `downloadUrl`
 * (`.../dataset.jsonl`) and the exports of Trove's own API. No AWS credentials (the AgentCore
 * SDK fetches them with a plain GET); the signed token is the authorisation, and an altered or
 * expired one gets 403 as a presigned S3 URL would. Files are streamed as they are produced,
 * never built in memory. The first piece is read before the status is sent (download-service.ts),
 * so a dataset gone before it answers 404 and a failure before it a status; a failure after the
 * first bytes aborts the response (the client sees a broken transfer, never a silently short file).
 * A client that goes before the first piece stops its reads at the next page (DownloadSource).
 */
export async function downloadRoutes(app: FastifyInstance, options: DownloadRoutesOptions): Promise<void> {
  // A wildcard, not a `:token` parameter: tokens are longer than Fastify's parameter limit.
  app.get('/downloads/*', async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const slash = rest.indexOf('/');
    const token = slash < 0 ? rest : rest.slice(0, slash);
    // The response's 'close', not the request's: since Node 16 a request closes once its body was
    // read (at once, for a GET), while the response closes when its connection does. Listened to
    // only until the first piece was read: from then on the stream below stops on its own.
    const clientGone = new AbortController();
    const abort = () => clientGone.abort();
    reply.raw.once('close', abort);
    let opened: DownloadOpen;
    try {
      opened = await options.open(token, clientGone.signal);
    } catch (error) {
      if (clientGone.signal.aborted) {
        // No one to answer: the reads stopped because the client went. 499, nginx's "client
        // closed request", is for the request log only.
        request.log.info('download abandoned by its client before its first byte');
        return reply.code(499).send();
      }
      // Nothing was sent yet: an answer as S3 gives, without the store's error text; logged and
      // worded as every protocol's 500 (a database outage says so, anything else is a bug).
      const fault = serverFault(error, request.log, { internalError: (message) => new ServiceError('InternalError', message ?? 'We encountered an internal error. Please try again.', 500) });
      return reply.code(fault.httpStatus).send({ code: fault.code, message: fault.message });
    } finally {
      reply.raw.off('close', abort);
    }
    if (opened.status === 'forbidden') return reply.code(403).send({ code: 'AccessDenied', message: opened.message });
    if (opened.status === 'gone') return reply.code(404).send({ code: 'NoSuchKey', message: opened.message });
    if (opened.status === 'refused') return reply.code(400).send({ code: 'InvalidRequest', message: opened.message });
    return reply
      .code(200)
      .header('content-type', opened.contentType)
      .header('cache-control', 'private, no-store')
      // A byte stream with a small buffer: it pulls the next piece only when the socket has taken
      // the last ones, so a client that stops reading stops the reads from the store.
      .send(Readable.from(opened.body, { objectMode: false, highWaterMark: 64 * 1024 }));
  });
}
