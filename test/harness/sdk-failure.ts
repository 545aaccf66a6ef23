/** What a test checks of a call the SDK rejected. */
export interface SdkFailure {
  readonly error: unknown;
  readonly name: string;
  readonly status: number;
  readonly message: string;
  /** How many times the SDK sent the request. */
  readonly attempts: number;
}

/**
 * The error of an SDK call that must fail (a call that succeeds fails the test). Call it as the
 * call starts, not when its turn comes in a loop: a rejection nobody observes yet is reported by
 * vitest as an unhandled error, even though the test awaits it later.
 */
export async function sdkFailure(call: Promise<unknown>): Promise<SdkFailure> {
  const error = await call.then(() => undefined, (e: unknown) => e as Error & { $metadata: { httpStatusCode: number; attempts: number } });
  if (!error) throw new Error('expected the call to fail');
  return { error, name: error.name, status: error.$metadata.httpStatusCode, message: error.message, attempts: error.$metadata.attempts };
}
