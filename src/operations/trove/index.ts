import type { Operation } from '../operation.js';
import { getCallerIdentity } from './get-caller-identity.js';
import type { TroveServices } from './services.js';

/** Every operation of Trove's own API (`/_trove/api/`, docs/trove-api.md), by name. */
export function troveOperations(services: TroveServices): ReadonlyMap<string, Operation<never>> {
  const operations = [
    getCallerIdentity,
  ].map((build) => build(services) as Operation<never>);
  return new Map(operations.map((operation) => [operation.name, operation]));
}
