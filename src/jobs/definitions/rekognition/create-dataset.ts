import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { CreateDatasetPayload } from '../../../domain/rekognition/job-kinds.js';
import type { RekognitionLimits } from '../../../domain/rekognition/rekognition-deps.js';
import { BatchRejected } from '../../../domain/rekognition/revision-writer.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import type { JobDefinition } from '../../job.js';
import { commitOrReject, failForService, writerFor } from './batch-outcome.js';

const COPY_CHUNK = 1000;

/** Finishes CreateDataset: CREATE_IN_PROGRESS → CREATE_COMPLETE (empty, or copied from another dataset). */
export function createDatasetJob(limits: RekognitionLimits): JobDefinition<CreateDatasetPayload> {
  return {
    kind: RekognitionJobs.createDataset,
    payloadVersion: 1,

    async run({ datasetId, sourceDatasetId }, ctx) {
      const writer = await writerFor(datasetId, ctx, limits);
      if (!writer) return void (await ctx.finish(async () => undefined));
      await writer.begin();
      const source = sourceDatasetId === undefined ? undefined : await ctx.store.rkDatasets.findById(sourceDatasetId);
      if (source) {
        // The copy reads the source at its committed revision, so updates running on it don't tear the copy.
        for (let afterId = 0; ;) {
          const rows = await ctx.store.rkEntries.scan(source.id, source.revision, afterId, COPY_CHUNK);
          if (rows.length === 0) break;
          await writer.upsert(rows);
          afterId = rows[rows.length - 1].id;
        }
      }
      await commitOrReject(ctx, [writer], 'CREATE_FAILED', async (tx, now) => {
        if (sourceDatasetId !== undefined) {
          const still = await tx.rkDatasets.findById(sourceDatasetId);
          if (!still || still.status === 'DELETE_IN_PROGRESS') {
            throw new BatchRejected('ERROR_SOURCE_DATASET_DELETED', 'The source dataset was deleted before it could be copied.');
          }
        }
        await writer.commit(tx, statusChange('CREATE_COMPLETE', now));
      });
    },

    async giveUp({ datasetId }, ctx, error) {
      const writer = await writerFor(datasetId, ctx, limits);
      if (!writer) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, [writer], 'CREATE_FAILED', error);
    },
  };
}
