import { useClients } from './clients.js';
import type { Clients } from './clients.js';
import { useAsync } from './hooks.js';
import { decide, decideAll, decideTrove } from './permissions.js';
import type { CallerIdentity, Decision } from './permissions.js';
import type { TroveActionsOperation } from '../../../src/api/trove/permissions.js';

const identities = new WeakMap<Clients, Promise<CallerIdentity | undefined>>();

/** Who the signed-in key is, with its allow-lists (GetCallerIdentity, read once per sign-in); undefined when it cannot be read. */
export function callerOf(clients: Clients): Promise<CallerIdentity | undefined> {
  let identity = identities.get(clients);
  if (!identity) {
    identity = clients.trove.call<CallerIdentity>('GET', '/_trove/api/caller').catch(() => undefined);
    identities.set(clients, identity);
  }
  return identity;
}

export function useCaller(): CallerIdentity | undefined {
  const clients = useClients();
  return useAsync(() => callerOf(clients), [clients]).data;
}

/** Whether the signed-in key may do every one of `needs` ([action, resource ARNs]); allowed while its identity is being read. */
export function usePermission(...needs: (readonly [string, readonly string[]])[]): Decision {
  const caller = useCaller();
  return needs.length === 1 ? decide(caller, needs[0][0], needs[0][1]) : decideAll(caller, needs);
}

/** Whether the signed-in key may call a Trove API operation on `resources` (decideTrove: its action and the AWS actions behind it). */
export function useTrovePermission(operation: TroveActionsOperation, resources: readonly string[], refusal?: string): Decision {
  return decideTrove(useCaller(), operation, resources, refusal);
}
