import { hashPayload } from '../../auth/sigv4/canonical-request.js';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AuthenticationError } from '../../api/auth-errors.js';
import { ServiceError } from '../../api/errors.js';
import { authorize } from '../../auth/authorize.js';
import { AccessDenied, RateLimited } from '../../auth/errors.js';
import { ImageUnavailable } from '../../domain/rekognition/images/image-access.js';
import type { OpenedImage } from '../../domain/rekognition/images/image-access.js';
import { THUMBNAIL_SIZES } from '../../domain/rekognition/images/thumbnails.js';
import type { Thumbnails } from '../../domain/rekognition/images/thumbnails.js';
import type { Caller } from '../../domain/caller.js';
import { beginAuthentication, finishAuthentication, retryAfter } from '../../protocols/request-auth.js';
import { serverFault } from '../../protocols/server-fault.js';
import type { RequestAuthenticator } from '../../protocols/request-auth.js';

export interface ImageRoutesOptions {
  readonly authenticator: RequestAuthenticator;
  readonly open: (caller: Caller, datasetArn: string, sourceRef: string) => Promise<OpenedImage>;
  readonly thumbnails: Pick<Thumbnails, 'of'>;
}

/** The action whose permission reading an entry's image needs: whoever may list the entries may see them. */
const ACTION = 'rekognition:ListDatasetEntries';

/**
 * `GET /_trove/images?datasetArn=…&sourceRef=s3://…` plus a SigV4 presigned query (service
 * `rekognition`): the image of one entry, for the console's `<img>` elements, which cannot send
 * an Authorization header. The signature, the account (the dataset must be the caller's), the
 * allow-lists (ListDatasetEntries on the dataset) and the entry (the dataset must have that
 * source-ref) are all checked before a byte is read. Failures are JSON `{code, message}`.
 * With `size=N` (32..1024) the answer is the image scaled to fit N × N, as WebP (Thumbnails),
 * after exactly the same checks.
 */
export async function imageRoutes(app: FastifyInstance, options: ImageRoutesOptions): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof RateLimited) {
      retryAfter(reply, error.retryAfterMs);
      return send(reply, 429, 'ThrottlingException', error.message);
    }
    if (error instanceof AuthenticationError) return send(reply, 403, error.code, error.message);
    if (error instanceof AccessDenied) return send(reply, 403, 'AccessDeniedException', error.message);
    if (error instanceof ImageUnavailable) return send(reply, error.status, error.code, error.message);
    if (error instanceof ServiceError && error.code === 'ResourceNotFoundException') return send(reply, 404, error.code, error.message);
    // As every protocol's 500: a database outage says so (a warning), anything else is a bug (logged with its stack).
    const fault = serverFault(error, request.log, { internalError: (message) => new ServiceError('InternalServerError', message ?? 'Trove could not read the image.', 500) });
    return send(reply, fault.httpStatus, fault.code, fault.message);
  });

  app.addHook('onRequest', async (request) => {
    await beginAuthentication(request, options.authenticator, 'rekognition');
  });

  app.get('/images', async (request, reply) => {
    const principal = finishAuthentication(request, hashPayload(undefined));
    const query = request.query as Record<string, string | string[] | undefined>;
    const datasetArn = single(query['datasetArn']);
    const sourceRef = single(query['sourceRef']);
    if (!datasetArn || !sourceRef) {
      return send(reply, 400, 'ValidationException', 'Give exactly one datasetArn and one sourceRef query parameter.');
    }
    const sizeText = query['size'];
    const size = sizeText === undefined ? undefined : Number(single(sizeText) ?? NaN);
    if (size !== undefined && !(Number.isInteger(size) && size >= THUMBNAIL_SIZES.min && size <= THUMBNAIL_SIZES.max)) {
      return send(reply, 400, 'ValidationException', `size must be a whole number of pixels from ${THUMBNAIL_SIZES.min} to ${THUMBNAIL_SIZES.max}.`);
    }
    request.operationName = size === undefined ? 'ConsoleImage' : 'ConsoleThumbnail';
    authorize(principal, ACTION, [datasetArn]);
    const image = await options.open(principal, datasetArn, sourceRef);
    request.raw.once('close', () => image.discard());
    if (size !== undefined) {
      const thumbnail = await options.thumbnails.of(image, size);
      return image200(reply, thumbnail.contentType, thumbnail.bytes.length).send(thumbnail.bytes);
    }
    return image200(reply, image.contentType, image.size).send(Readable.from(image.body));
  });
}

function image200(reply: FastifyReply, contentType: string, length: number): FastifyReply {
  return reply
    .code(200)
    .header('content-type', contentType)
    .header('content-length', String(length))
    // The URL carries its signature, so each signed URL is its own cache entry, private to this browser.
    .header('cache-control', 'private, max-age=3600')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'");
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function send(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send({ code, message });
}
