import { createHash } from 'node:crypto';
import '../request-fields.js';
import { hashPayload } from '../../auth/sigv4/canonical-request.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ServiceError } from '../../api/errors.js';
import type { Shape, StructureShape } from '../../api/shapes/shape.js';
import { validateShape } from '../../api/shapes/validate.js';
import { authorizeAction, authorizeResources } from '../../auth/authorize.js';
import { AccessDenied, RateLimited } from '../../auth/errors.js';
import { authFailure } from '../../auth/sigv4/failure.js';
import { AuthenticationError } from '../../api/auth-errors.js';
import type { StreamedPayload } from '../../operations/operation.js';
import { beginAuthentication, finishAuthentication, retryAfter } from '../request-auth.js';
import type { RequestAuthenticator } from '../request-auth.js';
import { readJsonObject, utf8Text } from '../json-body.js';
import type { RestJsonService } from './rest-json-service.js';
import { MalformedPath, RestJsonRouter } from './router.js';
import type { RouteMatch } from './router.js';
import { serverFault } from '../server-fault.js';
import type { RequestDigest } from '../../domain/idempotency.js';
import { BodyTooSlow } from '../paced-bodies.js';
import type { PacedBodies } from '../paced-bodies.js';

const CONTENT_TYPE = 'application/json';

export interface RestJsonOptions {
  readonly service: RestJsonService;
  /** Largest request body accepted, in bytes (AgentCore: 5 MB). */
  readonly bodyLimit: number;
  /** Verifies each request's SigV4 signature and resolves who is calling. */
  readonly authenticator: RequestAuthenticator;
  /** Streamed bodies are read at the pace these allow, not within Node's request timeout; none: Node's. */
  readonly pacedBodies?: PacedBodies;
}

/**
 * The restJson1 protocol as one encapsulated Fastify context: every request under the service's
 * prefixes is routed by method + URI template, its input assembled from labels, query and JSON
 * body, validated against the operation's shape, and answered with the modelled success code.
 * Errors are rendered here only: `x-amzn-ErrorType` header + body `message` (+ modelled members).
 */
export async function restJsonProtocol(app: FastifyInstance, options: RestJsonOptions): Promise<void> {
  const { service } = options;
  const router = new RestJsonRouter(service.routes);
  const streamedRoutes = service.routes.filter(({ binding }) => binding.streamed);
  const streamedUrls = new Set(streamedRoutes.map(({ binding }) => fastifyPath(binding.uri)));
  // Node gave up tracking the connection (PacedBodies): its answer closes it.
  const untracked = (request: FastifyRequest) => options.pacedBodies?.untracked(request.raw.socket) ?? false;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError | ServiceError | AccessDenied | RateLimited, request, reply) => {
    if (error instanceof RateLimited) retryAfter(reply, error.retryAfterMs);
    // A streamed body refused before its end (over the limit, say): the connection closes after
    // the answer, rather than the server reading (and dropping) the rest of a large file.
    if (streamedUrls.has(request.routeOptions.url ?? '') && (!request.raw.complete || untracked(request))) reply.header('connection', 'close');
    void sendError(reply, toServiceError(error, request));
  });

  // AWS authenticates before anything else, and Trove before reading the body: a request with no
  // valid credential, scope or time is refused without buffering what it sends.
  app.addHook('onRequest', async (request) => {
    request.apiName = service.signingName;
    await beginAuthentication(request, options.authenticator, service.signingName);
  });

  const handle = async (request: FastifyRequest, reply: FastifyReply, streamed: boolean) => {
    // A streamed body is not read yet: the signature is checked over the hash the request claims
    // for it, and the body against that hash as it is read (streamedPayload).
    const payloadSha256 = streamed ? claimedPayloadHash(request) : hashPayload(Buffer.isBuffer(request.body) ? request.body : undefined);
    const principal = finishAuthentication(request, payloadSha256);
    const [path, query = ''] = splitUrl(request.url);
    let match: RouteMatch | undefined;
    try {
      match = router.match(request.method, path);
    } catch (error) {
      if (error instanceof MalformedPath) throw service.unreadable(error.message);
      throw error;
    }
    if (!match || Boolean(match.route.binding.streamed) !== streamed) throw service.noRoute(request.method, path);
    const { operation, binding } = match.route;
    request.operationName = operation.name;
    const restricted = !service.unrestricted?.has(operation.name);
    // Its own action, then what it amounts to in the other APIs: each on every resource it names.
    const actions = restricted ? [`${service.signingName}:${operation.name}`, ...(service.awsActions?.(operation.name) ?? [])] : [];
    for (const action of actions) authorizeAction(principal, action);
    const { input, json } = assembleInput(match, query, request, operation.input);
    const violations = validateShape(input, operation.input, 'asIs');
    if (violations.length > 0) throw service.validationError(violations);
    if (actions.length > 0) {
      const resources = service.resourceArns(operation.name, input, principal);
      for (const action of actions) authorizeResources(principal, action, resources);
    }
    let output: unknown;
    try {
      output = await operation.handle(input as never, {
        caller: principal, requestId: request.id, logger: request.log as Logger, origin: request.origin,
        requestDigest: digest(request, payloadSha256), requestJson: json,
        ...(streamed ? { payload: streamedPayload(request, payloadSha256, options.pacedBodies) } : {}),
      });
    } finally {
      // A body the operation stopped reading midway is Node's to time out again.
      if (streamed) options.pacedBodies?.unwatch(request.raw.socket);
    }
    if (untracked(request)) reply.header('connection', 'close');
    if (binding.code === 204) return reply.code(204).send();
    return reply.code(binding.code).header('content-type', CONTENT_TYPE).send(JSON.stringify(output ?? {}));
  };
  const handler = (request: FastifyRequest, reply: FastifyReply) => handle(request, reply, false);
  for (const prefix of service.prefixes) {
    app.all(prefix, handler);
    app.all(`${prefix}/*`, handler);
  }
  // Operations whose bodies may be larger (or must be smaller) than the service's: their own route.
  for (const { binding } of service.routes) {
    // The limit is also kept in the route's config: routeOptions.bodyLimit reads Fastify's
    // server-wide default (1 MiB) on every other route, not the parser's limit it enforces there.
    if (binding.bodyLimit !== undefined) {
      app.route({ method: binding.method, url: binding.uri, bodyLimit: binding.bodyLimit, config: { bodyLimit: binding.bodyLimit }, handler });
    }
  }
  // Operations whose body streams to them: their own context, whose parser leaves the body unread
  // (it inherits the hooks and the error handler above).
  if (streamedRoutes.length > 0) {
    await app.register(async (child) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      for (const { binding } of streamedRoutes) {
        child.route({ method: binding.method, url: fastifyPath(binding.uri), handler: (request, reply) => handle(request, reply, true) });
      }
    });
  }

  /**
   * restJson1 input: labels from the path, `@httpQuery` members from the query string (numbers
   * converted when the shape says so), everything else from the JSON body.
   */
  function assembleInput(match: RouteMatch, query: string, request: FastifyRequest, shape: StructureShape): { input: Record<string, unknown>; json?: string } {
    const { binding } = match.route;
    const input: Record<string, unknown> = {};
    let json: string | undefined;
    if (binding.payload !== undefined) {
      // @httpPayload: the body is the member's bytes; nothing else comes from it.
      input[binding.payload] = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    } else if (binding.method === 'POST' || binding.method === 'PUT') {
      json = Buffer.isBuffer(request.body) ? utf8Text(request.body) : '';
      const body = parseBody(json);
      const bound = new Set([...Object.keys(match.labels), ...Object.keys(binding.query ?? {})]);
      for (const [name, value] of Object.entries(body)) if (!bound.has(name)) input[name] = value;
    }
    Object.assign(input, match.labels);
    const params = new URLSearchParams(query);
    for (const [member, name] of Object.entries(binding.query ?? {})) {
      const memberShape = shape.members[member]?.shape;
      // A list member repeats its parameter (`?tagKeys=a&tagKeys=b`); present once, it is a list of one.
      if (memberShape?.type === 'list') {
        const values = params.getAll(name);
        if (values.length > 0) input[member] = values.map((value) => fromQuery(value, memberShape.member));
        continue;
      }
      const value = params.get(name);
      if (value !== null) input[member] = fromQuery(value, memberShape);
    }
    return { input, json };
  }

  function parseBody(text: string): Record<string, unknown> {
    const read = readJsonObject(text);
    if ('problem' in read) throw service.unreadable(read.problem);
    return read.value;
  }

  function toServiceError(error: FastifyError | ServiceError | AccessDenied | RateLimited, request: FastifyRequest): ServiceError {
    if (error instanceof ServiceError) return error;
    if (error instanceof AccessDenied) return service.accessDenied(error.message);
    if (error instanceof RateLimited) return service.throttled(error.message);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // AWS: inline examples are limited to 5 MB per request; some operations have their own limit.
      const limit = (request.routeOptions.config as { bodyLimit?: number } | undefined)?.bodyLimit ?? options.bodyLimit;
      return service.validationError([{ path: 'body', constraint: `Member must have length less than or equal to ${limit} bytes` }]);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return service.unreadable(`The request could not be read: ${error.message}`);
    }
    return serverFault(error, request.log, service);
  }
}

/**
 * For Fastify's `frameworkErrors`: a URL Fastify can't even route (bad percent-encoding) under
 * one of the service's prefixes still gets the modelled error. False when it is not ours.
 */
export function renderFrameworkError(service: RestJsonService, error: FastifyError, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!service.prefixes.some((prefix) => request.url === prefix || request.url.startsWith(`${prefix}/`) || request.url.startsWith(`${prefix}?`))) return false;
  void sendError(reply, service.unreadable(`The request could not be read: ${error.message}`));
  return true;
}

function sendError(reply: FastifyReply, error: ServiceError): FastifyReply {
  // The JS SDK and botocore read the error name from x-amzn-ErrorType first; `message` is required (non-blank).
  return reply
    .code(error.httpStatus)
    .header('content-type', CONTENT_TYPE)
    .header('x-amzn-ErrorType', error.code)
    .send(JSON.stringify({ message: error.message || error.code, ...error.wireMembers() }));
}

/**
 * SHA-256 of method, URL and the body's SHA-256 (already computed for the signature, so a
 * megabyte body is hashed once): a retry of the same SDK call sends exactly these again. Trove
 * used to hash the body bytes themselves here; that form is `earlier`, for client tokens
 * recorded before the change.
 */
function digest(request: FastifyRequest, payloadSha256: string): RequestDigest {
  const head = `${request.method} ${request.url}\n`;
  return {
    value: createHash('sha256').update(head).update(payloadSha256).digest('base64url'),
    earlier: () => {
      const hash = createHash('sha256').update(head);
      if (Buffer.isBuffer(request.body)) hash.update(request.body);
      return hash.digest('base64url');
    },
  };
}

/**
 * The payload hash a streamed request signed: its x-amz-content-sha256, which must be the body's
 * SHA-256 (64 hex digits). UNSIGNED-PAYLOAD and the chunked STREAMING-* forms are refused: the
 * body must be checked against the signature before anything made from it is kept.
 */
function claimedPayloadHash(request: FastifyRequest): string {
  const claimed = request.headers['x-amz-content-sha256'];
  if (typeof claimed === 'string' && /^[0-9a-f]{64}$/.test(claimed)) return claimed;
  throw new AuthenticationError(authFailure('InvalidSignatureException',
    'This operation streams its body: sign x-amz-content-sha256 with the SHA-256 of the body (64 lower-case hex digits); '
    + `${typeof claimed === 'string' ? `'${claimed.slice(0, 40)}' is not accepted` : 'it is missing'}.`), request.accessKeyId);
}

/** The request's body as it arrives, checked against the signed SHA-256 after its last byte. */
function streamedPayload(request: FastifyRequest, sha256: string, paced: PacedBodies | undefined): StreamedPayload {
  const announced = Number(request.headers['content-length']);
  const raw = request.raw;
  return {
    ...(Number.isSafeInteger(announced) && announced >= 0 ? { announcedBytes: announced } : {}),
    chunks: (async function* () {
      const hash = createHash('sha256');
      const received = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const read = paced ? paced.reader(received) : () => received.next();
      // While the body is read it is bound by its progress, not by Node's request timeout; a
      // request pipelined behind it is Node's again once it has ended.
      paced?.watch(raw.socket);
      try {
        for (;;) {
          let next: IteratorResult<Buffer>;
          try {
            next = await read();
          } catch (error) {
            if (error instanceof BodyTooSlow) {
              paced?.cut(raw.socket);
              throw error;
            }
            // The client went away in the middle (Node: 'aborted'), or Node's request timeout cut it before its body was read.
            throw new RequestBodyIncomplete();
          }
          if (next.done) break;
          hash.update(next.value);
          yield next.value;
        }
      } finally {
        paced?.unwatch(raw.socket);
      }
      if (!raw.complete) throw new RequestBodyIncomplete();
      if (hash.digest('hex') !== sha256) {
        throw new AuthenticationError(authFailure('InvalidSignatureException',
          'The x-amz-content-sha256 header does not match the SHA-256 of the request body: the body was changed after it was signed.'), request.accessKeyId);
      }
    })(),
  };
}

/** The client stopped sending before the end of its body (answered, if it still listens, as unreadable). */
class RequestBodyIncomplete extends Error {
  readonly statusCode = 400;
  readonly code = 'TROVE_BODY_INCOMPLETE';
  constructor() {
    super('the request body stopped before its end');
  }
}

/** A URI template as a Fastify route (`{label}` → `:label`). */
function fastifyPath(uri: string): string {
  return uri.replace(/\{([A-Za-z0-9]+)\}/g, ':$1');
}

function splitUrl(url: string): [string, string?] {
  const mark = url.indexOf('?');
  return mark < 0 ? [url] : [url.slice(0, mark), url.slice(mark + 1)];
}

/** Query values are text; integer and boolean members are converted, or left as text for the validator to refuse. */
function fromQuery(value: string, shape: Shape | undefined): unknown {
  if ((shape?.type === 'integer' || shape?.type === 'long') && /^-?\d{1,15}$/.test(value)) return Number(value);
  if (shape?.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
