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
      return reply.code(503).send({ status: 'unavailable', message: String(error) });
    }
  });
}
