import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { DeleteDatasetPayload, DeleteProjectPayload } from '../../../domain/rekognition/job-kinds.js';
import type { JobDefinition } from '../../job.js';

const PURGE_CHUNK = 2000;

/** DELETE_IN_PROGRESS → gone: rows and history are purged in chunks, then the snapshots and the dataset record go. */
export function deleteDatasetJob(): JobDefinition<DeleteDatasetPayload> {
  const job: JobDefinition<DeleteDatasetPayload> = {
    kind: RekognitionJobs.deleteDataset,
    payloadVersion: 1,
    async run({ datasetId }, ctx) {
      while ((await ctx.transaction((tx) => tx.rkEntries.purgeDataset(datasetId, PURGE_CHUNK))) > 0);
      // Its history and snapshots go with it (docs/trove-api.md); dataset ids may be reused.
      while ((await ctx.transaction((tx) => tx.rkHistory.purgeDataset(datasetId))) > 0);
      await ctx.finish(async (tx) => {
        await tx.rkSnapshots.deleteAll(datasetId);
        await tx.rkLabels.deleteAll(datasetId);
        await tx.revisions.forget('rekognition', datasetId, Number.MAX_SAFE_INTEGER);
        await tx.rkDatasets.delete(datasetId);
      });
    },
    // Deleting is idempotent and has no client error: keep trying rather than leave it half done.
    giveUp: (payload, ctx) => job.run(payload, ctx),
  };
  return job;
}

/** DELETING → gone (the project has no datasets left; DeleteProject checked that). */
export function deleteProjectJob(): JobDefinition<DeleteProjectPayload> {
  const job: JobDefinition<DeleteProjectPayload> = {
    kind: RekognitionJobs.deleteProject,
    payloadVersion: 1,
    async run({ projectId }, ctx) {
      await ctx.finish(async (tx) => {
        if ((await tx.rkDatasets.countByProject(projectId)) === 0) await tx.rkProjects.delete(projectId);
        else await tx.rkProjects.setStatus(projectId, 'CREATED');
      });
    },
    giveUp: (payload, ctx) => job.run(payload, ctx),
  };
  return job;
}
