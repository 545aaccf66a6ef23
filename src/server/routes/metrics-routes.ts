import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export interface MetricsRoutesOptions {
  /** When set, every scrape must send `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The exposition text (observability/metrics.ts). */
  readonly text: () => Promise<{ contentType: string; body: string }>;
}

/** `GET /_trove/metrics`: Prometheus' text format; registered only where metricsAccess allows it. */
export async function metricsRoutes(app: FastifyInstance, options: MetricsRoutesOptions): Promise<void> {
  const expected = options.token === undefined ? undefined : digest(options.token);
  app.get('/metrics', async (request, reply) => {
    if (expected && !matches(request.headers.authorization, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="trove metrics"')
        .send({ message: 'GET /_trove/metrics needs the bearer token the server was given (Authorization: Bearer ...).' });
    }
    const { contentType, body } = await options.text();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}

/** Compared as SHA-256 digests, in constant time whatever the length sent. */
function matches(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]), expected);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
