import type { Repositories } from '../../store/store.js';

/**
 * Superseded example rows EXAMINED per collection at most (so removed at most too): bounded work
 * inside the accepting transaction, the rest goes next time. Examined, not removed: rows a
 * published version keeps are never removed, and a bound on removals alone re-read all of them on
 * every write (seconds at 10k examples x 100 versions). The dataset's cursor passes them once.
 */
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
  const cursor = await tx.acDatasets.gcCursor(datasetId);
  const { removed, supersededUpTo, examinedUpTo } = await tx.acExamples.purgeUnreachable(datasetId, horizon, cursor, PER_RUN);
  if (removed > 0) await tx.acDatasets.markCollected(datasetId, supersededUpTo);
  // Rows superseded later than the horizon are past any cursor (deleted_rev only ever takes the
  // new revision), and a row a version kept stays kept until that version goes (deleteVersionJob
  // rewinds the cursor): what lies at or before the cursor needs no second look.
  if (examinedUpTo) await tx.acDatasets.setGcCursor(datasetId, examinedUpTo);
  // Older commit times are no longer needed to find a horizon: keep the horizon's and newer.
  await tx.revisions.forget('agentcore', datasetId, horizon - 1);
  return removed;
}
