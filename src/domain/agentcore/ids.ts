import { randomAlphanumeric } from '../../lib/ids.js';
import type { Caller } from '../caller.js';

/**
 * UNCONFIRMED (facts §5.11): every other AgentCore control-plane id is `{name}-{10 alphanumerics}`
 * (EvaluatorId, MemoryId, ...), so dataset ids are too. At most 59 characters.
 */
export function newDatasetId(name: string): string {
  return `${name}-${randomAlphanumeric(10)}`;
}

/** AWS: arn:aws:bedrock-agentcore:{region}:{account}:dataset/{datasetId} (service `bedrock-agentcore`). */
export function datasetArn(caller: Caller, datasetId: string): string {
  return `arn:aws:bedrock-agentcore:${caller.region}:${caller.account}:dataset/${datasetId}`;
}
