import type { Logger } from 'pino';
import type { StructureShape } from '../api/shapes/shape.js';
import type { Principal } from '../auth/principal.js';
import type { RequestDigest } from '../domain/idempotency.js';

/** What every operation knows about the request it serves. */
export interface OperationContext {
  /** Who is calling: account and region (all the domain needs), plus the access key and its allow-lists. */
  readonly caller: Principal;
  readonly requestId: string;
  readonly logger: Logger;
  /** scheme://host[:port] clients use (`--public-url`, else the request's own), for links Trove hands out (e.g. download URLs). */
  readonly origin: string;
  /**
   * Fingerprint of the request as sent (method, path, query, body bytes), when the protocol
   * computes one: what client-token idempotency compares, far cheaper than hashing the input.
   */
  readonly requestDigest?: RequestDigest;
  /**
   * The request body as JSON text (UTF-8 decoded), when the input came from one: an operation
   * that stores parts of the input as JSON can take them as sent (lib/json-as-sent.ts).
   */
  readonly requestJson?: string;
  /** The request body as it arrives, for an operation whose binding streams it (HttpBinding.streamed). */
  readonly payload?: StreamedPayload;
}

/**
 * A request body the operation reads as it arrives (a file of up to hundreds of megabytes),
 * never held whole. `chunks` checks the bytes against the SHA-256 the request signed once the
 * last chunk is read, and throws there if they differ: read it to the end before anything read
 * from it becomes visible.
 */
export interface StreamedPayload {
  /** Content-Length, when the client announced one (a body over a limit can be refused unread). */
  readonly announcedBytes?: number;
  readonly chunks: AsyncIterable<Buffer>;
}

/**
 * One AWS operation: its modelled input shape (checked by the protocol layer before `handle`
 * runs) and its handler, which maps wire members to the domain and the result back.
 */
export interface Operation<I = never, O = unknown> {
  readonly name: string;
  readonly input: StructureShape;
  handle(input: I, ctx: OperationContext): Promise<O>;
}
