import type { AuthFailure } from '../auth/sigv4/failure.js';
import { ServiceError } from './errors.js';

/**
 * A request that failed SigV4 authentication. AWS answers these before any operation runs, with
 * the same names on every API (MissingAuthenticationTokenException, UnrecognizedClientException,
 * InvalidSignatureException, IncompleteSignatureException) and HTTP 403; each protocol renders
 * it in its own error format.
 */
export class AuthenticationError extends ServiceError {
  /** The access key the request claimed to be signed with, when it got that far (for the request log). */
  readonly accessKeyId?: string;

  constructor(failure: AuthFailure, accessKeyId?: string) {
    super(failure.failure, failure.message, 403, 'client');
    this.accessKeyId = accessKeyId;
  }
}
