import { ingestLines } from '../../../domain/rekognition/ingest.js';
import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { UpdateEntriesPayload } from '../../../domain/rekognition/job-kinds.js';
import { splitLines } from '../../../domain/rekognition/manifest/split-lines.js';
import { BatchRejected, RevisionWriter } from '../../../domain/rekognition/revision-writer.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import type { JobContext, JobDefinition } from '../../job.js';
import { commitOrReject, failForService, rejectBatch, terminalErrorCheck } from './batch-outcome.js';
import { ingestOptions } from './job-deps.js';
import type { RekognitionJobDeps } from './job-deps.js';

/** Applies one UpdateDatasetEntries call: UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED. */
export function updateEntriesJob(deps: RekognitionJobDeps): JobDefinition<UpdateEntriesPayload> {
  const { limits } = deps;
  const writerFor = async (datasetId: number, ctx: JobContext) => {
    const dataset = await ctx.store.rkDatasets.findById(datasetId);
    return dataset && new RevisionWriter(ctx, dataset, limits);
  };
  return {
    kind: RekognitionJobs.updateEntries,
    payloadVersion: 1,

    async run({ datasetId }, ctx) {
      const writer = await writerFor(datasetId, ctx);
      if (!writer) return void (await ctx.finish(async () => undefined));
      await writer.begin();
      let result;
      try {
        // The images of an update are checked too, where the object store can reach them.
        result = await ingestLines(lineTexts(ctx.job.body), writer, ingestOptions(deps, ctx.logger));
      } catch (error) {
        if (error instanceof BatchRejected) return rejectBatch(ctx, [writer], 'UPDATE_FAILED', error);
        throw error;
      }
      const rejection = terminalErrorCheck(result, limits);
      if (rejection) return rejectBatch(ctx, [writer], 'UPDATE_FAILED', rejection);
      await commitOrReject(ctx, [writer], 'UPDATE_FAILED', (tx, now) => writer.commit(tx, statusChange('UPDATE_COMPLETE', now)));
    },

    async giveUp({ datasetId }, ctx, error) {
      const writer = await writerFor(datasetId, ctx);
      if (!writer) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, [writer], 'UPDATE_FAILED', error);
    },
  };
}

function* lineTexts(body: Buffer | null): Generator<string> {
  for (const line of splitLines(body ?? Buffer.alloc(0))) yield line.text;
}
