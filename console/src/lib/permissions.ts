// What the signed-in key may do, decided before trying, so the console shows controls it cannot
// use as disabled with the reason on them (docs/console.md). Trove's GetCallerIdentity returns
// the key's allow-lists; they are matched here with the server's own matching code
// (src/auth/permissions.ts, bundled), so the console and the server never disagree on a pattern.
// Pure: no DOM.

import { matchesAction, matchesResource } from '../../../src/auth/permissions.js';
import { actionsOf } from '../../../src/api/trove/permissions.js';
import type { TroveActionsOperation } from '../../../src/api/trove/permissions.js';

/** GET /_trove/api/caller (docs/trove-api.md). */
export interface CallerIdentity {
  readonly account: string;
  readonly region: string;
  readonly accessKeyId: string;
  /** null: no list, every action. */
  readonly allowActions: readonly string[] | null;
  /** null: no list, every resource of the account. */
  readonly allowResources: readonly string[] | null;
}

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED: Decision = { allowed: true };

/**
 * May the caller do `action` on every one of `resources`? Unknown callers (the identity could not
 * be read) may: the server decides, and a refusal is shown as it answers. The reason starts with
 * `refusal`: "Read-only" for a control that would change something, "Not allowed" for a reading.
 */
export function decide(caller: CallerIdentity | undefined, action: string, resources: readonly string[] = [], refusal = 'Read-only'): Decision {
  if (!caller) return ALLOWED;
  if (caller.allowActions && !caller.allowActions.some((pattern) => matchesAction(pattern, action))) {
    return { allowed: false, reason: `${refusal}: the access key ${caller.accessKeyId} may not call ${action} (its allow-list of actions does not include it).` };
  }
  const patterns = caller.allowResources;
  const outside = patterns ? resources.find((arn) => !patterns.some((pattern) => matchesResource(pattern, arn))) : undefined;
  if (outside !== undefined) {
    return { allowed: false, reason: `${refusal}: the access key ${caller.accessKeyId} may not call ${action} on ${outside} (its allow-list of resources does not include it).` };
  }
  return ALLOWED;
}

/** The first refusal among several needs (e.g. an action and the object-store write it implies), or allowed. */
export function decideAll(caller: CallerIdentity | undefined, needs: readonly (readonly [string, readonly string[]])[], refusal?: string): Decision {
  for (const [action, resources] of needs) {
    const decision = decide(caller, action, resources, refusal);
    if (!decision.allowed) return decision;
  }
  return ALLOWED;
}

/** The ARN of an AgentCore dataset of the caller (what `bedrock-agentcore:*` resource patterns match). */
export function agentCoreDatasetArn(caller: CallerIdentity, datasetId: string): string {
  return `arn:aws:bedrock-agentcore:${caller.region}:${caller.account}:dataset/${datasetId}`;
}

/**
 * May the caller call this operation of Trove's API on `resources`: its own `trove:` action and the
 * AWS actions it amounts to (src/api/trove/permissions.ts), the list the server checks.
 */
export function decideTrove(caller: CallerIdentity | undefined, operation: TroveActionsOperation, resources: readonly string[], refusal?: string): Decision {
  return decideAll(caller, actionsOf(operation).map((action) => [action, resources] as const), refusal);
}
