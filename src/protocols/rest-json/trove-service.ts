import {
  AccessDeniedException, InternalServerException, ResourceNotFoundException, ThrottlingException, ValidationException,
} from '../../api/trove/errors.js';
import { httpBindings } from '../../api/trove/http-bindings.js';
import type { TroveOperationName } from '../../api/trove/inputs.js';
import { AWS_ACTIONS, UNRESTRICTED_OPERATIONS } from '../../api/trove/permissions.js';
import { datasetArn as agentCoreDatasetArn } from '../../domain/agentcore/ids.js';
import type { Caller } from '../../domain/caller.js';
import type { Operation } from '../../operations/operation.js';
import type { RestJsonService } from './rest-json-service.js';

/** Every operation says which AWS actions it amounts to (a missing one fails to compile here). */
const AWS_ACTIONS_OF: Readonly<Record<TroveOperationName, readonly string[]>> = AWS_ACTIONS;

/** The SigV4 signing name of Trove's own API, also the prefix of its allow-list actions (`trove:ListDatasetRevisions`). */
export const TROVE_SIGNING_NAME = 'trove';

/**
 * Trove's own API (history, snapshots, exports, jobs, ...: what AWS does not have) on restJson1
 * under `/_trove/api`: the same protocol, signature checks, allow-lists and error rendering as
 * the AWS APIs, with its own operations and error classes (docs/trove-api.md).
 */
export function troveApiService(operations: ReadonlyMap<string, Operation<never>>): RestJsonService {
  return {
    prefixes: ['/_trove/api'],
    signingName: TROVE_SIGNING_NAME,
    routes: Object.entries(httpBindings).map(([name, binding]) => {
      const operation = operations.get(name as TroveOperationName);
      if (!operation) throw new Error(`no operation for ${name}`);
      return { operation, binding };
    }),
    unrestricted: UNRESTRICTED_OPERATIONS,
    awsActions: (operation) => AWS_ACTIONS_OF[operation as TroveOperationName] ?? [],
    validationError: (violations) => ValidationException.of(violations),
    unreadable: (message) => new ValidationException(message),
    noRoute: (method, path) => new ResourceNotFoundException(`No Trove API operation serves ${method} ${path}.`),
    throttled: (message) => new ThrottlingException(message),
    accessDenied: (message) => new AccessDeniedException(message),
    resourceArns: troveResourceArns,
    internalError: (message) => new InternalServerException(message),
  };
}

/**
 * The resources a Trove API request names, for resource allow-lists: a Rekognition
 * `datasetArn` or `projectArn` as given, an AgentCore `datasetId` as its dataset ARN.
 * Tenancy itself is the domain's (another account's resource does not exist for the caller).
 */
export function troveResourceArns(_operation: string, input: Record<string, unknown>, caller: Caller): string[] {
  const arns: string[] = [];
  if (typeof input.datasetArn === 'string') arns.push(input.datasetArn);
  if (typeof input.projectArn === 'string') arns.push(input.projectArn);
  if (typeof input.datasetId === 'string') arns.push(agentCoreDatasetArn(caller, input.datasetId));
  return arns;
}
