import type { HttpBinding } from '../http-binding.js';
import type { TroveOperationName } from './inputs.js';

/** Where each of Trove's own operations sits on HTTP, under `/_trove/api` (docs/trove-api.md). */
export const httpBindings: Readonly<Record<TroveOperationName, HttpBinding>> = {
  GetCallerIdentity: { method: 'GET', uri: '/_trove/api/caller', code: 200 },
};

/**
 * Operations any signed-in caller may call whatever its allow-lists say, as AWS STS
 * GetCallerIdentity needs no permission: knowing who you are is not access to anything.
 */
export const UNRESTRICTED_OPERATIONS: ReadonlySet<TroveOperationName> = new Set(['GetCallerIdentity']);
