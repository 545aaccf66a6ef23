import {
  AccessDeniedException, InternalServerException, ResourceNotFoundException, ThrottlingException, ValidationException,
} from '../../api/agentcore/errors.js';
import type { Caller } from '../../domain/caller.js';
import { datasetArn } from '../../domain/agentcore/ids.js';
import { httpBindings } from '../../api/agentcore/http-bindings.js';
import type { AgentCoreOperationName } from '../../api/agentcore/inputs.js';
import type { Operation } from '../../operations/operation.js';
import type { RestJsonService } from './rest-json-service.js';

/** Bedrock AgentCore Control's dataset and tag operations on restJson1 (`/datasets...`, `/tags/{resourceArn}`). */
export function agentCoreService(operations: ReadonlyMap<string, Operation<never>>): RestJsonService {
  return {
    prefixes: ['/datasets', '/tags'],
    signingName: 'bedrock-agentcore',
    routes: Object.entries(httpBindings).map(([name, binding]) => {
      const operation = operations.get(name as AgentCoreOperationName);
      if (!operation) throw new Error(`no operation for ${name}`);
      return { operation, binding };
    }),
    validationError: (violations) => ValidationException.of(violations),
    unreadable: (message) => new ValidationException(message, 'CannotParse'),
    // UNCONFIRMED: what AWS answers for an unknown route under /datasets; 404 with a modelled error.
    noRoute: (method, path) => new ResourceNotFoundException(`No AgentCore dataset operation serves ${method} ${path}.`),
    throttled: (message) => new ThrottlingException(message),
    accessDenied: (message) => new AccessDeniedException(message),
    resourceArns: agentCoreResourceArns,
    internalError: (message) => new InternalServerException(message),
  };
}

/**
 * The resources an AgentCore request names: the dataset of the `{datasetId}` label, and for
 * CreateDataset the dataset-to-be, `dataset/<datasetName>-*` (dataset ids are `<name>-<10 characters>`).
 * the tag operations the `resourceArn` they are given; ListDatasets names none.
 */
export function agentCoreResourceArns(operation: string, input: Record<string, unknown>, caller: Caller): string[] {
  if (typeof input.datasetId === 'string') return [datasetArn(caller, input.datasetId)];
  if (operation === 'CreateDataset') return [datasetArn(caller, `${String(input.datasetName)}-*`)];
  if (typeof input.resourceArn === 'string') return [input.resourceArn];
  return [];
}
