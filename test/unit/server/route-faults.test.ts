import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { downloadRoutes } from '../../../src/server/routes/download-routes.js';
import { imageRoutes } from '../../../src/server/routes/image-routes.js';
import { STORE_UNAVAILABLE, StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';

/** A Fastify app logging into `lines`, as Trove's request log does. */
function app() {
  const lines: Record<string, unknown>[] = [];
  const server = Fastify({ loggerInstance: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
  return { server, lines };
}

const outage = () => new StoreUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
const faults = (lines: readonly Record<string, unknown>[]) => lines.filter((line) => (line['level'] as number) >= 40).map((line) => [line['level'], line['msg']]);

// The console's image route and the download links answer their own JSON, outside the protocol
// plugins: a database outage must still be the retryable 500 that says so, logged as a warning
// (as serverFault words it for every protocol), and a bug the plain 500, logged with its stack.
describe('the image and download routes answer a server fault as every protocol does (serverFault)', () => {
  it('images: a database outage while authenticating is the 500 that says so, a warning; a bug the plain 500, an error', async () => {
    for (const [thrown, message, logged] of [
      [outage(), STORE_UNAVAILABLE, [[40, 'database unavailable']]],
      [new TypeError('x is undefined'), 'Trove could not read the image.', [[50, 'unexpected error']]],
    ] as const) {
      const { server, lines } = app();
      await server.register(imageRoutes, {
        prefix: '/_trove', authenticator: { begin: async () => { throw thrown; } }, open: async () => { throw new Error('not reached'); }, thumbnails: { of: async () => { throw new Error('not reached'); } },
      });
      const answer = await server.inject({ method: 'GET', url: '/_trove/images?datasetArn=a&sourceRef=s3://b/c.png' });
      expect(answer.statusCode).toBe(500);
      expect(answer.json()).toEqual({ code: 'InternalServerError', message });
      expect(faults(lines)).toEqual(logged);
      await server.close();
    }
  });

  it('downloads: a database outage before the first byte is the 500 that says so, a warning; a bug the plain 500, an error', async () => {
    for (const [thrown, message, logged] of [
      [outage(), STORE_UNAVAILABLE, [[40, 'database unavailable']]],
      [new TypeError('x is undefined'), 'We encountered an internal error. Please try again.', [[50, 'unexpected error']]],
    ] as const) {
      const { server, lines } = app();
      await server.register(downloadRoutes, { prefix: '/_trove', open: async () => { throw thrown; } });
      const answer = await server.inject({ method: 'GET', url: '/_trove/downloads/token/dataset.jsonl' });
      expect(answer.statusCode).toBe(500);
      expect(answer.json()).toEqual({ code: 'InternalError', message });
      expect(faults(lines)).toEqual(logged);
      await server.close();
    }
  });
});
