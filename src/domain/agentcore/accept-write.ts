import type { AcDatasetRecord } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';
import type { TokenedRequest } from '../idempotency.js';
import type { AgentCoreDeps } from './agentcore-deps.js';
import { notFound } from './dataset-service.js';
import type { Guard } from './status.js';
import { conflictFor, inProgress } from './status.js';

/**
 * The accepting transaction of every asynchronous dataset write (examples, versions): replays a
 * client token seen before; moves the dataset to UPDATING if its status passes `guard` (the
 * conditional UPDATE is what keeps two writes of one dataset from ever running together); runs
 * `accept` (last checks, the job with its payload) and records the token with the response.
 * The response is sent only after all of it is committed. `job`: the job `accept` queues. One
 * that publishes an inline batch `accept` `staged` is run by this request when the node can
 * (AgentCoreDeps.publishStaged); any other is left to the runner.
 */
export async function acceptWrite<T>(
  deps: AgentCoreDeps,
  dataset: AcDatasetRecord,
  token: TokenedRequest | undefined,
  guard: Guard,
  accept: (tx: Repositories, current: AcDatasetRecord, now: number) => Promise<T>,
  job: 'staged' | 'other' = 'other',
): Promise<T> {
  const { store, idempotency, clock } = deps;
  const now = clock.now();
  const response = await store.transaction(async (tx) => {
    const raced = await idempotency.earlier<T>(tx, token);
    if (raced) return raced;
    if (!(await tx.acDatasets.transition(dataset.id, guard.allowed, inProgress('UPDATING', now)))) {
      const current = await tx.acDatasets.findById(dataset.id);
      if (!current) throw notFound(dataset.datasetId);
      throw conflictFor(current, current.status, guard);
    }
    const current = (await tx.acDatasets.findById(dataset.id))!;
    const accepted = await accept(tx, current, now);
    await idempotency.remember(tx, token, 202, accepted);
    return accepted;
  });
  if (job === 'staged') await deps.publishStaged(dataset.arn);
  else deps.jobsEnqueued();
  return response;
}
