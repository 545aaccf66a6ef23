/** Codes that mean the key pair itself is not accepted (AWS answers them before any operation). */
const AUTH_CODES = new Set([
  'UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignatureException', 'MissingAuthenticationTokenException',
  'InvalidClientTokenId', 'SignatureDoesNotMatch',
]);

export function errorCode(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** "Code: message", the way AWS reports it, for a person. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message.split('\n')[0];
  return error.name && error.name !== 'Error' ? `${error.name}: ${message}` : message;
}

export function isAuthError(error: unknown): boolean {
  return AUTH_CODES.has(errorCode(error));
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}

/** Plain words for an error, said before AWS's own text (`change`: it answered a change); undefined for most. */
export function errorWords(error: unknown, change = false): string | undefined {
  switch (errorCode(error)) {
    case 'AccessDeniedException':
      return change
        ? 'Not allowed: the signed-in access key may not make this change (its allow-lists refuse it). Nothing was changed.'
        : 'Not allowed: the signed-in access key\'s allow-lists refuse this.';
    case 'ResourceInUseException':
    case 'ConflictException':
      return 'The dataset is busy with another change; try again when it has finished.';
    case 'ThrottlingException':
    case 'ProvisionedThroughputExceededException':
      return 'Too many requests with this key just now; try again in a moment.';
    default:
      return undefined;
  }
}
