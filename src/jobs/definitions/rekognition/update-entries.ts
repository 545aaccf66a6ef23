import { checkImagesAhead } from '../../../domain/rekognition/images/image-checks.js';
import type { ImageCheck } from '../../../domain/rekognition/images/image-checks.js';
import { ingestLines } from '../../../domain/rekognition/ingest.js';
import type { IngestResult } from '../../../domain/rekognition/ingest.js';
import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { UpdateEntriesPayload } from '../../../domain/rekognition/job-kinds.js';
import { splitLines } from '../../../domain/rekognition/manifest/split-lines.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import type { JobDefinition } from '../../job.js';
import { importEntries } from './import-entries.js';
import { commitOrReject, failForService, terminalErrorCheck, writerFor } from './batch-outcome.js';
import { imageCheckerFor, readerFor } from './job-deps.js';
import type { RekognitionJobDeps } from './job-deps.js';

/** Applies one UpdateDatasetEntries call: UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED. */
export function updateEntriesJob(deps: RekognitionJobDeps): JobDefinition<UpdateEntriesPayload> {
  const { limits } = deps;
  return {
    kind: RekognitionJobs.updateEntries,
    payloadVersion: 1,

    // A change is at most 5 MB, so it is applied in one transaction: one commit instead of one per
    // chunk (the bulk path's biggest cost), and nothing to discard when it fails or crashes.
    async run(payload, ctx) {
      // Trove's imports (COCO, YOLO) are changes whose lines come converted from a file.
      if (payload.import) return importEntries({ ...payload, import: payload.import }, deps, ctx);
      const { datasetId, requester } = payload;
      const writer = await writerFor(datasetId, ctx, limits, { operation: 'UpdateDatasetEntries', accessKeyId: requester?.accessKeyId });
      if (!writer) return void (await ctx.finish(async () => undefined));
      const body = ctx.job.body ?? Buffer.alloc(0);
      // The images of a change are checked too, where the object store reaches them: before the
      // transaction, so no network read ever holds the write lock.
      const checker = imageCheckerFor(deps, readerFor(deps, requester, writer.dataset.arn), ctx.logger);
      const checkImages: ImageCheck | undefined = checker && await checkImagesAhead(lineTexts(body), checker, deps.imageChecks.concurrency);
      let result: IngestResult | undefined;
      const rejected = await commitOrReject(ctx, [writer], 'UPDATE_FAILED', async (tx, now) => {
        result = await ingestLines(splitLines(body), (rows) => writer.upsert(rows, tx), {
          maxLabels: limits.maxLabelsPerDataset, checkImages, observer: writer.change,
        });
        writer.change.ingested(result);
        const rejection = terminalErrorCheck(result, limits);
        if (rejection) throw rejection;
        await writer.commit(tx, statusChange('UPDATE_COMPLETE', now));
      });
      deps.entriesCommitted();
      deps.observer?.batchEnded('change', result, rejected);
    },

    async giveUp({ datasetId, requester }, ctx, error) {
      const writer = await writerFor(datasetId, ctx, limits, { operation: 'UpdateDatasetEntries', accessKeyId: requester?.accessKeyId });
      if (!writer) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, [writer], 'UPDATE_FAILED', error);
    },
  };
}

function* lineTexts(body: Buffer): Generator<string> {
  for (const line of splitLines(body)) yield line.text;
}
