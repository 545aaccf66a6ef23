import type { AcDatasetRecord } from '../../store/agentcore-records.js';
import type { Repositories } from '../../store/store.js';
import type { TokenedRequest } from '../idempotency.js';
import type { AgentCoreDeps } from './agentcore-deps.js';
import { RowLockBusyError } from '../../store/sql/sql-driver.js';
import { notFound } from './dataset-service.js';
import type { Guard } from './status.js';
import { conflictFor, inProgress } from './status.js';

/**
 * How long a write waits for its dataset's row while another write of the dataset holds it
 * (PostgreSQL; its accepting transaction may be publishing a whole inline batch). Past it the
 * write answers ConflictException (DATASET_NOT_READY), as it would a moment later when the
 * holder committed UPDATING, instead of holding a pool connection for as long as the queue of
 * writers to one dataset lasts. A few seconds: longer than a usual inline publish, so twins and
 * close successors still meet in order, short enough that N writers cannot starve the pool.
 */
export const DATASET_ROW_WAIT_MS = 5_000;

/** What an accepting transaction answers, and whether it left a job for a runner. */
export interface Acceptance<T> {
  readonly answer: T;
  readonly queued: boolean;
}

/**
 * The accepting transaction of every asynchronous dataset write (examples, versions): replays a
 * client token seen before; moves the dataset to UPDATING if its status passes `guard` (the
 * conditional UPDATE is what keeps two writes of one dataset from ever running together); runs
 * `accept` (last checks, the write or its job) and records the token with the answer. The answer
 * is sent only after all of it is committed; the runner is nudged when `accept` queued a job.
 */
export async function acceptWrite<T>(
  deps: AgentCoreDeps,
  dataset: AcDatasetRecord,
  token: TokenedRequest | undefined,
  guard: Guard,
  accept: (tx: Repositories, current: AcDatasetRecord, now: number) => Promise<Acceptance<T>>,
): Promise<T> {
  const { store, idempotency, clock } = deps;
  const now = clock.now();
  const { answer, queued } = await store.transaction(async (tx): Promise<Acceptance<T>> => {
    const raced = await idempotency.earlier<T>(tx, token);
    if (raced) return { answer: raced, queued: false };
    const moved = await tx.acDatasets.transition(dataset.id, guard.allowed, inProgress('UPDATING', now), DATASET_ROW_WAIT_MS);
    // PostgreSQL (READ COMMITTED): the transition may have waited for a twin with this token
    // that committed meanwhile, leaving the dataset ACTIVE (it published: ours passed) or
    // UPDATING (it queued a job: ours did not). Either way its answer is replayed (a throw rolls
    // back our UPDATING), as AWS ignores a repeated token.
    const twin = await idempotency.earlier<T>(tx, token);
    if (twin) throw new TwinCommitted(twin);
    if (!moved) {
      const current = await tx.acDatasets.findById(dataset.id);
      if (!current) throw notFound(dataset.datasetId);
      throw conflictFor(current, current.status, guard);
    }
    const current = (await tx.acDatasets.findById(dataset.id))!;
    const accepted = await accept(tx, current, now);
    await idempotency.remember(tx, token, 202, accepted.answer);
    return accepted;
  }).catch((error: unknown) => {
    if (error instanceof TwinCommitted) return { answer: error.answer as T, queued: false };
    // Another write of the dataset held its row past the wait: it is busy (UPDATING, uncommitted).
    if (error instanceof RowLockBusyError) throw conflictFor(dataset, 'UPDATING', guard);
    throw error;
  });
  if (queued) deps.jobsEnqueued();
  return answer;
}

/** Thrown to roll back an accepting transaction whose twin (same client token) committed first. */
class TwinCommitted extends Error {
  constructor(readonly answer: unknown) {
    super('a request with the same client token committed first');
  }
}
