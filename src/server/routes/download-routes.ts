import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { DownloadOpen } from '../../domain/agentcore/download-service.js';

export interface DownloadRoutesOptions {
  readonly open: (token: string) => Promise<DownloadOpen>;
}

/**
 * `GET /_trove/downloads/{token}/dataset.jsonl`: the links GetDataset hands out as
 * `downloadUrl`. No AWS credentials (the AgentCore SDK fetches them with a plain GET); the
 * signed token is the authorisation, and an altered or expired one gets 403 as a presigned
 * S3 URL would. The JSONL is streamed with backpressure, never built in memory.
 */
export async function downloadRoutes(app: FastifyInstance, options: DownloadRoutesOptions): Promise<void> {
  // A wildcard, not a `:token` parameter: tokens are longer than Fastify's parameter limit.
  app.get('/downloads/*', async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const token = rest.endsWith('/dataset.jsonl') ? rest.slice(0, -'/dataset.jsonl'.length) : rest;
    const opened = await options.open(token);
    if (opened.status === 'forbidden') return reply.code(403).send({ code: 'AccessDenied', message: opened.message });
    if (opened.status === 'gone') return reply.code(404).send({ code: 'NoSuchKey', message: opened.message });
    return reply
      .code(200)
      .header('content-type', 'application/jsonl; charset=utf-8')
      .header('cache-control', 'private, no-store')
      // A byte stream with a small buffer: it pulls the next line only when the socket has taken
      // the last ones, so a client that stops reading stops the reads from the store.
      .send(Readable.from(opened.lines, { objectMode: false, highWaterMark: 64 * 1024 }));
  });
}
