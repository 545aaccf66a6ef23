import '../request-fields.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describeViolations, ServiceError } from '../../api/errors.js';
import { validateShape } from '../../api/shapes/validate.js';
import { authorizeAction, authorizeResources } from '../../auth/authorize.js';
import { AccessDenied, RateLimited } from '../../auth/errors.js';
import { beginAuthentication, finishAuthentication, retryAfter } from '../request-auth.js';
import type { RequestAuthenticator } from '../request-auth.js';
import { serverFault } from '../server-fault.js';
import type { AwsJsonService } from './aws-json-service.js';
import { hashedBodyParser, isHashedBody } from '../hashed-body.js';
import { readJsonObject } from '../json-body.js';
import { hashPayload } from '../../auth/sigv4/canonical-request.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Base64 strings this long (64 KiB) are decoded while the body streams in. */
const EXTRACT_BASE64_OVER = 64 * 1024;

export interface AwsJsonOptions {
  readonly services: readonly AwsJsonService[];
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  /** Verifies each request's SigV4 signature and resolves who is calling. */
  readonly authenticator: RequestAuthenticator;
}

/**
 * The awsJson1_1 protocol as one encapsulated Fastify context: POST with X-Amz-Target, JSON
 * bodies whatever the content type, errors as `{"__type", "Message", ...}` rendered here only.
 */
export async function awsJsonProtocol(app: FastifyInstance, options: AwsJsonOptions): Promise<void> {
  const byPrefix = new Map(options.services.map((service) => [service.targetPrefix, service]));
  const fallback = options.services[0];

  // AWS: the SDKs send application/x-amz-json-1.1, but the body is JSON whatever the header says.
  app.removeAllContentTypeParsers();
  // Blob members travel as base64 strings: long ones are decoded as they arrive (a 5 MB
  // GroundTruth is never held as 7 MB of text); validateShape takes their bytes.
  app.addContentTypeParser('*', hashedBodyParser(options.bodyLimit, { extractBase64Over: EXTRACT_BASE64_OVER }));

  app.setErrorHandler((error: FastifyError | ServiceError | AccessDenied | RateLimited, request, reply) => {
    const service = serviceOf(request) ?? fallback;
    if (error instanceof RateLimited) retryAfter(reply, error.retryAfterMs);
    const wire = toServiceError(error, service, request, options.bodyLimit);
    void sendError(reply, wire, service, request.id);
  });

  // AWS authenticates before anything else, and Trove before reading the body: a request with no
  // valid credential, scope or time is refused without buffering what it sends.
  app.addHook('onRequest', async (request) => {
    request.apiName = serviceOf(request)?.signingName;
    await beginAuthentication(request, options.authenticator, request.apiName);
  });

  app.post('/', async (request, reply) => {
    const body = isHashedBody(request.body) ? request.body : undefined;
    const principal = finishAuthentication(request, body?.sha256 ?? hashPayload(undefined));
    const target = header(request, 'x-amz-target');
    const service = serviceOf(request);
    const name = target?.slice(target.indexOf('.') + 1);
    const operation = service && name ? service.operations.get(name) : undefined;
    if (!service || !operation) {
      throw new ServiceError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target header)'}.`, 400);
    }
    request.operationName = operation.name;
    const action = `${service.signingName}:${operation.name}`;
    authorizeAction(principal, action);
    const input = parseBody(body?.text);
    const violations = validateShape(input, operation.input, 'lowerCamel', body?.blobs);
    if (violations.length > 0) throw service.validationError(describeViolations(violations));
    authorizeResources(principal, action, service.resourceArns(operation.name, input as Record<string, unknown>, principal));
    // request.log is a child of the pino logger the app was built with (Fastify's loggerInstance).
    const output = await operation.handle(input as never, { caller: principal, requestId: request.id, logger: request.log as Logger, origin: request.origin });
    return reply.code(200).header('content-type', CONTENT_TYPE).send(JSON.stringify(output ?? {}));
  });

  function serviceOf(request: FastifyRequest): AwsJsonService | undefined {
    const target = header(request, 'x-amz-target');
    const dot = target?.indexOf('.') ?? -1;
    return target && dot > 0 ? byPrefix.get(target.slice(0, dot)) : undefined;
  }
}

/** AWS: an empty body is `{}`; anything but a JSON object is a SerializationException. */
function parseBody(text: string | undefined): Record<string, unknown> {
  const body = readJsonObject(text ?? '');
  if ('problem' in body) throw new ServiceError('SerializationException', body.problem, 400);
  return body.value;
}

function toServiceError(
  error: FastifyError | ServiceError | AccessDenied | RateLimited, service: AwsJsonService, request: FastifyRequest, bodyLimit: number,
): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof AccessDenied) return service.accessDenied(error.message);
  if (error instanceof RateLimited) return service.throttled(error.message);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return service.validationError(`The request body is larger than the ${bodyLimit} bytes this operation accepts.`);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ServiceError('SerializationException', `The request could not be read: ${error.message}`, 400);
  }
  return serverFault(error, request.log, service);
}

function sendError(reply: FastifyReply, error: ServiceError, service: AwsJsonService, requestId: string): FastifyReply {
  // botocore reads only `__type`; the JS SDK reads `__type`, then `code`, then the header.
  const body = { __type: error.code, ...service.errorMembers(error, requestId), Message: error.message, ...error.wireMembers() };
  return reply
    .code(error.httpStatus)
    .header('content-type', CONTENT_TYPE)
    .header('x-amzn-ErrorType', error.code)
    .send(JSON.stringify(body));
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
