import type { FastifyInstance } from 'fastify';

/**
 * `GET /` from a browser (Accept: text/html) goes to the web console: the URL `trove serve` prints
 * is the one people open. Everything else asking for `/` (the AWS APIs answer `POST /`) gets the
 * same 404 as before.
 */
export async function browserRedirect(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => {
    if (/\btext\/html\b/i.test(request.headers.accept ?? '')) return reply.redirect('/_trove/console/', 302);
    return reply.callNotFound();
  });
}
