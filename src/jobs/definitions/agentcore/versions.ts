import { collectGarbage } from '../../../domain/agentcore/garbage.js';
import { AgentCoreJobs } from '../../../domain/agentcore/job-kinds.js';
import type { DeleteVersionPayload, PublishVersionPayload } from '../../../domain/agentcore/job-kinds.js';
import { active, failed } from '../../../domain/agentcore/status.js';
import type { JobDefinition } from '../../job.js';
import { endedReason } from './ended-reason.js';

/**
 * CreateDatasetVersion: UPDATING → ACTIVE (draftStatus UNMODIFIED). Publishing maps the version
 * number to the DRAFT's committed revision and count: one row, whatever the dataset's size.
 * No write could commit since the request was accepted (the dataset has been UPDATING).
 */
export function publishVersionJob(): JobDefinition<PublishVersionPayload> {
  return {
    kind: AgentCoreJobs.publishVersion,
    payloadVersion: 1,
    async run({ dataset: id, version }, ctx) {
      await ctx.finish(async (tx) => {
        const dataset = await tx.acDatasets.findById(id);
        if (!dataset) return;
        const now = ctx.clock.now();
        await tx.acVersions.insert(id, { version, revision: dataset.revision, exampleCount: dataset.exampleCount, createdAt: now });
        await tx.acDatasets.setStatus(id, active(now, 'UNMODIFIED'));
      });
    },
    async giveUp({ dataset: id, version }, ctx, error) {
      await ctx.finish(async (tx) => {
        const reason = endedReason(ctx, error, `Publishing version ${version}`, `Version ${version} could not be published (${String(error)}). Try again.`);
        if (await tx.acDatasets.findById(id)) await tx.acDatasets.setStatus(id, failed('UPDATE_FAILED', reason, ctx.clock.now()));
      });
    },
  };
}

/**
 * DeleteDataset with a datasetVersion: DELETING → ACTIVE, draftStatus unchanged. Rows only that
 * version could see become garbage (collected once no token or link can pin them).
 * UNCONFIRMED: sources disagree on the failure status; UPDATE_FAILED per the facts.
 */
export function deleteVersionJob(options: { garbageAfterMs: number }): JobDefinition<DeleteVersionPayload> {
  return {
    kind: AgentCoreJobs.deleteVersion,
    payloadVersion: 1,
    async run({ dataset: id, version }, ctx) {
      await ctx.finish(async (tx) => {
        if (!(await tx.acDatasets.findById(id))) return;
        const gone = await tx.acVersions.find(id, version);
        // Rows it kept were passed over by garbage collection: have it examine them again.
        if (gone) await tx.acDatasets.rewindGcCursor(id, gone.revision);
        await tx.acVersions.delete(id, version);
        await tx.acDatasets.setStatus(id, active(ctx.clock.now()));
        // Rows only this version could see may be collectable right away.
        await collectGarbage(tx, id, ctx.clock.now(), options.garbageAfterMs);
      });
    },
    async giveUp({ dataset: id, version }, ctx, error) {
      await ctx.finish(async (tx) => {
        const reason = `Version ${version} could not be deleted (${String(error)}). Try again.`;
        if (await tx.acDatasets.findById(id)) await tx.acDatasets.setStatus(id, failed('UPDATE_FAILED', reason, ctx.clock.now()));
      });
    },
  };
}
