import { diffStep } from '../../../domain/rekognition/history/entry-diff.js';
import type { DiffCursor } from '../../../domain/rekognition/history/entry-diff.js';
import { EntriesCollected } from '../../../domain/rekognition/history/revision-points.js';
import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { RestoreSnapshotPayload } from '../../../domain/rekognition/job-kinds.js';
import { BatchRejected } from '../../../domain/rekognition/revision-writer.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import type { StoredEntry } from '../../../store/records.js';
import type { JobDefinition } from '../../job.js';
import { commitOrReject, failForService, rejectBatch, writerFor } from './batch-outcome.js';
import type { RekognitionJobDeps } from './job-deps.js';

/** Row versions compared per chunk transaction, fewer where their lines pass the store's page budget (byte-pages.ts). */
const STEP = 1000;

/**
 * RestoreDatasetSnapshot: UPDATE_IN_PROGRESS → UPDATE_COMPLETE with a new revision whose entries
 * are those of the snapshot's revision. Only what differs is written, walking the difference
 * between the snapshot and the committed revision (both pinned, so the rows this job writes at
 * the next revision never disturb the walk): entries the snapshot had are written back as they
 * were, entries it lacked are removed. A retry discards the unpublished revision first.
 */
export function restoreSnapshotJob({ limits, entriesCommitted }: Pick<RekognitionJobDeps, 'limits' | 'entriesCommitted'>): JobDefinition<RestoreSnapshotPayload> {
  const origin = ({ snapshot, revision, requester }: RestoreSnapshotPayload) =>
    ({ operation: 'RestoreDatasetSnapshot' as const, accessKeyId: requester.accessKeyId, source: `snapshot ${snapshot} (revision ${revision})` });
  return {
    kind: RekognitionJobs.restoreSnapshot,
    payloadVersion: 1,

    async run(payload, ctx) {
      const writer = await writerFor(payload.datasetId, ctx, limits, origin(payload));
      if (!writer) return void (await ctx.finish(async () => undefined));
      await writer.begin();
      const [target, current] = await Promise.all([
        ctx.store.rkHistory.find(writer.dataset.id, payload.revision), ctx.store.rkHistory.find(writer.dataset.id, writer.dataset.revision),
      ]);
      try {
        if (!target || !current) throw new EntriesCollected(target ? writer.dataset.revision : payload.revision);
        let cursor: DiffCursor | undefined;
        do {
          const step = await diffStep(ctx.store, writer.dataset.id, target, current, cursor, STEP);
          const restored: StoredEntry[] = [];
          const removed: StoredEntry[] = [];
          for (const { pair } of step.pairs) {
            if (pair.before) restored.push(pair.before);
            else if (pair.after) removed.push(pair.after);
          }
          await ctx.transaction(async (tx) => {
            await writer.upsert(restored, tx);
            await writer.remove(removed, tx);
          });
          cursor = step.next;
        } while (cursor);
      } catch (error) {
        if (!(error instanceof EntriesCollected)) throw error;
        return rejectBatch(ctx, [writer], 'UPDATE_FAILED', new BatchRejected('ERROR_SNAPSHOT_UNREADABLE', error.message));
      }
      await commitOrReject(ctx, [writer], 'UPDATE_FAILED', async (tx, now) => {
        await writer.commit(tx, statusChange('UPDATE_COMPLETE', now));
      });
      entriesCommitted();
    },

    async giveUp(payload, ctx, error) {
      const writer = await writerFor(payload.datasetId, ctx, limits, origin(payload));
      if (!writer) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, [writer], 'UPDATE_FAILED', error);
    },
  };
}
