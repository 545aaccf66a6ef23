import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../lib/json-depth.js';

/**
 * Fastify's own JSON parser (Trove's `/_trove/` routes, and any request no route takes: Fastify
 * parses a 404's body too) with the protocols' depth rule: text nested deeper than
 * MAX_JSON_DEPTH is refused with 400 by a linear scan before JSON.parse builds it, so an
 * unauthenticated `[[[...]]]` costs a scan, not a deep object. The protocols have their own
 * parsers in their own contexts (protocols/json-body.ts).
 */
export const boundedJson = fp(async (app: FastifyInstance) => {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      return done(Object.assign(new Error(`The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`), { statusCode: 400 }), undefined);
    }
    parse(request, body as string, done);
  });
});
