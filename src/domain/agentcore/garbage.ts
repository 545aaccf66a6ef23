import type { Repositories } from '../../store/store.js';

/** Superseded example rows removed per write job at most: bounded work, the rest goes next time. */
const PER_RUN = 5000;

/**
 * Removes example row versions nothing can read any more: superseded at or before the horizon
 * (the newest revision committed more than `retainMs` ago, so no live page token or download
 * link is pinned below it) and visible to no published version. `retainMs` must exceed the page
 * token and download link lifetimes (config: agentcore.garbageAfterMs). A download may outlive
 * its link, though (expiry applies to starting it): the dataset's collected mark, raised in the
 * same transaction, tells a DRAFT download pinned below the removed rows that it is no longer whole.
 */
export async function collectGarbage(tx: Repositories, datasetId: number, now: number, retainMs: number): Promise<number> {
  const horizon = await tx.revisions.newestCommittedBefore('agentcore', datasetId, now - retainMs);
  if (horizon === 0) return 0;
  const { removed, supersededUpTo } = await tx.acExamples.purgeUnreachable(datasetId, horizon, PER_RUN);
  if (removed > 0) await tx.acDatasets.markCollected(datasetId, supersededUpTo);
  // Older commit times are no longer needed to find a horizon: keep the horizon's and newer.
  await tx.revisions.forget('agentcore', datasetId, horizon - 1);
  return removed;
}
