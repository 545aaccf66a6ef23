import type { AuthFailure } from '../auth/sigv4/failure.js';
import { ServiceError } from './errors.js';

/**
 * A request that failed SigV4 authentication. AWS answers these before any operation runs, with
 * the same names on every API (MissingAuthenticationTokenException, UnrecognizedClientException,
 * InvalidSignatureException, IncompleteSignatureException) and HTTP 403; each protocol renders
 * it in its own error format.
 */
export class AuthenticationError extends ServiceError {
  constructor(failure: AuthFailure) {
    super(failure.failure, failure.message, 403, 'client');
  }
}
