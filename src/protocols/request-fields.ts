/** Fields the protocol layers add to every Fastify request. */
declare module 'fastify' {
  interface FastifyRequest {
    /** The AWS operation the request resolved to, for logs and metrics. */
    operationName?: string;
    /** The access key that signed the request, once known (for the request log). */
    accessKeyId?: string;
    /** The account the request acts in, once its signature is verified. */
    account?: string;
  }
}

export {};
