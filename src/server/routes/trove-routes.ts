import type { FastifyInstance } from 'fastify';

export interface TroveRoutesOptions {
  readonly ready: () => Promise<void>;
}

/** Trove's own endpoints (not AWS operations), under `/_trove/`. */
export async function troveRoutes(app: FastifyInstance, options: TroveRoutesOptions): Promise<void> {
  app.get('/health', async (_request, reply) => {
    try {
      await options.ready();
      return { status: 'ok' };
    } catch (error) {
      // The reason, e.g. "The database cannot write: database or disk is full (SQLITE_FULL)".
      return reply.code(503).send({ status: 'unavailable', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
