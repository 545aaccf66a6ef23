import { expect } from 'vitest';
import { TroveApiCallError } from '../../src/client/trove-api-client.js';

/** The TroveApiClient's rejection, observed as the call starts. */
export async function troveApiRejection(call: Promise<unknown>): Promise<TroveApiCallError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TroveApiCallError);
  return error as TroveApiCallError;
}
