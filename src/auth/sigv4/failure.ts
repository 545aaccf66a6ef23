/**
 * Why a request failed authentication, named after the error AWS answers with. Each protocol
 * renders these in its own format (awsJson `__type`, restJson `x-amzn-ErrorType`), HTTP 403.
 * Messages say what to fix and never contain a secret.
 */
export type AuthFailureCode =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException';

export interface AuthFailure {
  readonly failure: AuthFailureCode;
  readonly message: string;
}

export function authFailure(failure: AuthFailureCode, message: string): AuthFailure {
  return { failure, message };
}

export function isAuthFailure(value: unknown): value is AuthFailure {
  return typeof value === 'object' && value !== null && 'failure' in value && 'message' in value;
}
