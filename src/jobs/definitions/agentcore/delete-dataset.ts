import { AgentCoreJobs } from '../../../domain/agentcore/job-kinds.js';
import type { DeleteDatasetPayload, PurgeExamplesPayload } from '../../../domain/agentcore/job-kinds.js';
import { failed } from '../../../domain/agentcore/status.js';
import type { JobDefinition } from '../../job.js';

const PURGE_CHUNK = 2000;

/**
 * DeleteDataset without a version: DELETING → gone. The record, its versions and its name claim
 * go in one transaction (GetDataset answers ResourceNotFoundException from then on, and the name
 * is free again), which also enqueues the purge of the example rows: readers never see a
 * half-deleted dataset. Internal ids are never reused, so orphaned rows can't leak anywhere.
 */
export function deleteDatasetJob(): JobDefinition<DeleteDatasetPayload> {
  return {
    kind: AgentCoreJobs.deleteDataset,
    payloadVersion: 1,
    async run({ dataset: id }, ctx) {
      await ctx.finish(async (tx) => {
        const dataset = await tx.acDatasets.findById(id);
        if (!dataset) return;
        await tx.acVersions.deleteAll(id);
        await tx.revisions.forget('agentcore', id, Number.MAX_SAFE_INTEGER);
        await tx.acDatasets.delete(id);
        const now = ctx.clock.now();
        const payload: PurgeExamplesPayload = { dataset: id };
        await tx.jobs.enqueue({ kind: AgentCoreJobs.purgeExamples, payloadVersion: 1, resource: dataset.arn, payload, runAfter: now, createdAt: now });
      });
    },
    /** AWS: DELETE_FAILED; calling DeleteDataset again re-triggers the delete. */
    async giveUp({ dataset: id }, ctx, error) {
      await ctx.finish(async (tx) => {
        const reason = `The dataset could not be deleted (${String(error)}). Call DeleteDataset again.`;
        if (await tx.acDatasets.findById(id)) await tx.acDatasets.setStatus(id, failed('DELETE_FAILED', reason, ctx.clock.now()));
      });
    },
  };
}

/** Removes the example rows of a deleted dataset, chunk by chunk. */
export function purgeExamplesJob(): JobDefinition<PurgeExamplesPayload> {
  const job: JobDefinition<PurgeExamplesPayload> = {
    kind: AgentCoreJobs.purgeExamples,
    payloadVersion: 1,
    async run({ dataset: id }, ctx) {
      while ((await ctx.transaction((tx) => tx.acExamples.purgeDataset(id, PURGE_CHUNK))) > 0);
      await ctx.finish(async () => undefined);
    },
    // Purging is idempotent and invisible: keep trying rather than leave rows behind.
    giveUp: (payload, ctx) => job.run(payload, ctx),
  };
  return job;
}
