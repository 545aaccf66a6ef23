import { AccessDenied } from './errors.js';
import { matchesAction, matchesResource } from './permissions.js';
import type { Principal } from './principal.js';

/** The part of a principal its allow-lists are: enough to check a request, or a job's reads later. */
export type AllowLists = Pick<Principal, 'accessKeyId' | 'allowActions' | 'allowResources'>;

/**
 * The one authorisation check, run by each protocol once the operation (and then its input) is
 * known: the action (`<signing name>:<Operation>`) must match the credential's action allow-list,
 * and every resource ARN the request names must match its resource allow-list. A credential
 * without lists may do everything in its own account; tenancy itself is enforced by the domain
 * (another account's resources do not exist for the caller, whatever ARN it names).
 *
 * Operations that name no resource (listings: DescribeProjects, ListDatasets) are governed by the
 * action list only; what they return is still limited to the caller's account.
 */
export function authorize(principal: AllowLists, action: string, resources: readonly string[]): void {
  authorizeAction(principal, action);
  authorizeResources(principal, action, resources);
}

/** The action part, checked before the input is even parsed (as IAM does at the front door). */
export function authorizeAction(principal: AllowLists, action: string): void {
  const actions = principal.allowActions;
  if (actions && !actions.some((pattern) => matchesAction(pattern, action))) {
    throw new AccessDenied(`Access key ${principal.accessKeyId} is not authorized to perform: ${action}, because its allow-list of actions does not include it.`);
  }
}

export function authorizeResources(principal: AllowLists, action: string, resources: readonly string[]): void {
  const patterns = principal.allowResources;
  if (!patterns) return;
  for (const arn of resources) {
    if (!patterns.some((pattern) => matchesResource(pattern, arn))) {
      throw new AccessDenied(
        `Access key ${principal.accessKeyId} is not authorized to perform: ${action} on resource: ${arn}, because its allow-list of resources does not include it.`,
      );
    }
  }
}
