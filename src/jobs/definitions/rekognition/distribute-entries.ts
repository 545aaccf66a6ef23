import { createHash } from 'node:crypto';
import { ChangeLog } from '../../../domain/rekognition/history/change-log.js';
import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { DistributeEntriesPayload } from '../../../domain/rekognition/job-kinds.js';
import { BatchRejected, RevisionWriter } from '../../../domain/rekognition/revision-writer.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import type { RkDatasetRecord } from '../../../store/records.js';
import type { JobContext, JobDefinition } from '../../job.js';
import { commitOrReject, failForService, rejectBatch } from './batch-outcome.js';
import type { RekognitionJobDeps } from './job-deps.js';

/** Entries looked at per chunk transaction: 1000, fewer where their lines pass the store's page budget (byte-pages.ts). */
const CHUNK = 1000;
/** AWS: DistributeDatasetEntries moves 20% of the training dataset's images to the test dataset. */
const TEST_SHARE = 0.2;

/**
 * Moves a pseudo-random 20% of TRAIN to the empty TEST dataset, both datasets at their next
 * revision, committed together. The choice is seeded by the datasets and revision, so a retried
 * job moves exactly the same entries.
 */
export function distributeEntriesJob({ limits, entriesCommitted }: Pick<RekognitionJobDeps, 'limits' | 'entriesCommitted'>): JobDefinition<DistributeEntriesPayload> {
  const writersFor = async ({ trainId, testId, requester }: DistributeEntriesPayload, ctx: JobContext) => {
    const [train, test] = await Promise.all([ctx.store.rkDatasets.findById(trainId), ctx.store.rkDatasets.findById(testId)]);
    // In each dataset's history the source is the other dataset.
    const change = (other: RkDatasetRecord) => new ChangeLog({ operation: 'DistributeDatasetEntries', accessKeyId: requester?.accessKeyId, source: other.arn });
    return train && test ? [new RevisionWriter(ctx, train, limits, change(test)), new RevisionWriter(ctx, test, limits, change(train))] as const : undefined;
  };
  return {
    kind: RekognitionJobs.distributeEntries,
    payloadVersion: 1,

    async run(payload, ctx) {
      const writers = await writersFor(payload, ctx);
      if (!writers) return void (await ctx.finish(async () => undefined));
      const [train, test] = writers;
      await train.begin();
      await test.begin();
      const total = train.dataset.totalEntries;
      const moveCount = Math.floor(total * TEST_SHARE);
      // Trove's rule for "enough labeled images": at least one image must end up on each side.
      if (train.dataset.labeledEntries < 2 || moveCount < 1) {
        return rejectBatch(ctx, writers, 'UPDATE_FAILED', new BatchRejected('ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_DISTRIBUTE',
          `The manifest file doesn't have enough labeled images to distribute the dataset (the training dataset has ${train.dataset.labeledEntries} labeled of ${total} images; at least 5 images, 2 of them labeled, are needed).`));
      }
      const chosen = choosePositions(total, moveCount, `${train.dataset.arn}#${train.revision}`);
      let position = 0;
      for (let afterId = 0; ;) {
        const rows = await ctx.store.rkEntries.scan(train.dataset.id, train.dataset.revision, afterId, CHUNK);
        if (rows.length === 0) break;
        const moving = rows.filter(() => chosen.has(position++));
        await ctx.transaction(async (tx) => {
          await train.remove(moving, tx);
          await test.upsert(moving, tx);
        });
        afterId = rows[rows.length - 1].id;
      }
      await commitOrReject(ctx, writers, 'UPDATE_FAILED', async (tx, now) => {
        await train.commit(tx, statusChange('UPDATE_COMPLETE', now));
        await test.commit(tx, statusChange('UPDATE_COMPLETE', now));
      });
      entriesCommitted();
    },

    async giveUp(payload, ctx, error) {
      const writers = await writersFor(payload, ctx);
      if (!writers) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, writers, 'UPDATE_FAILED', error);
    },
  };
}

/** `count` distinct positions in [0, total), chosen by a seeded Fisher-Yates shuffle. */
function choosePositions(total: number, count: number, seed: string): Set<number> {
  const positions = Array.from({ length: total }, (_, i) => i);
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  const next = () => {
    // xorshift32: deterministic and fast; statistical quality is ample for picking a test split.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(next() * (total - i));
    [positions[i], positions[j]] = [positions[j], positions[i]];
  }
  return new Set(positions.slice(0, count));
}
