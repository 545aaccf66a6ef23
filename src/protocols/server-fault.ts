import type { FastifyBaseLogger } from 'fastify';
import type { ServiceError } from '../api/errors.js';
import { STORE_UNAVAILABLE, StoreUnavailableError } from '../store/store-unavailable-error.js';

/**
 * The modelled 500 of an error that is not the request's fault, told and logged alike by every
 * protocol: the database unreachable or unable to write is a retryable 500 that says so, logged
 * as a warning (the node recovers by itself); anything else is a bug, logged with its stack.
 */
export function serverFault(error: unknown, log: FastifyBaseLogger, service: { internalError(message?: string): ServiceError }): ServiceError {
  if (error instanceof StoreUnavailableError) {
    log.warn({ err: error.message }, 'database unavailable');
    return service.internalError(STORE_UNAVAILABLE);
  }
  log.error({ err: error }, 'unexpected error');
  return service.internalError();
}
