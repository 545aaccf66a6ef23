/** Fields the protocol layers add to every Fastify request. */
declare module 'fastify' {
  interface FastifyRequest {
    /** The AWS operation the request resolved to, for logs and metrics. */
    operationName?: string;
  }
}

export {};
