/** Fields the protocol layers add to every Fastify request. */
declare module 'fastify' {
  interface FastifyRequest {
    /** The AWS operation the request resolved to, for logs and metrics. */
    operationName?: string;
    /** The API the request is for (its SigV4 signing name: `rekognition`, `bedrock-agentcore`, `trove`), for metrics. */
    apiName?: string;
    /** The access key that signed the request, once known (for the request log). */
    accessKeyId?: string;
    /** The account the request acts in, once its signature is verified. */
    account?: string;
    /**
     * scheme://host[:port] clients reach this server at, for links Trove hands out: `--public-url`,
     * else the request's own (X-Forwarded-* only from `--trust-proxy` peers). Set by server/plugins/request-context.ts.
     */
    origin: string;
  }
}

export {};
