import { checkImagesAhead } from '../../../domain/rekognition/images/image-checks.js';
import type { ImageCheck } from '../../../domain/rekognition/images/image-checks.js';
import { ingestLines } from '../../../domain/rekognition/ingest.js';
import type { IngestResult } from '../../../domain/rekognition/ingest.js';
import { changeRetryRefusal, RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { UpdateEntriesPayload } from '../../../domain/rekognition/job-kinds.js';
import { splitPieceBytes, splitPieces } from '../../../domain/rekognition/manifest/split-lines.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import type { Repositories } from '../../../store/store.js';
import type { JobDefinition } from '../../job.js';
import { importEntries } from './import-entries.js';
import { commitOrReject, failForService, terminalErrorCheck, writerFor } from './batch-outcome.js';
import { imageCheckerFor, readerFor } from './job-deps.js';
import type { RekognitionJobDeps } from './job-deps.js';

/**
 * Line text per write of a change. The change is one transaction, so chunks do not cost commits
 * and only bound memory: a small chunk's objects (parsed lines, rows, statement parameters) are
 * garbage before the heap's next young collection, instead of surviving two and being promoted
 * to the old generation, which keeps them until a full collection (a 1,000-line chunk promoted
 * ~3.5 MB per collection, and each collection copied megabytes).
 */
const CHANGE_CHUNK_CHARS = 64 * 1024;

/** Applies one UpdateDatasetEntries call: UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED. */
export function updateEntriesJob(deps: RekognitionJobDeps): JobDefinition<UpdateEntriesPayload> {
  const { limits } = deps;
  return {
    kind: RekognitionJobs.updateEntries,
    payloadVersion: 1,
    retryRefusal: changeRetryRefusal,

    // A change is at most 5 MB, so it is applied in one transaction: one commit instead of one per
    // chunk (the bulk path's biggest cost), and nothing to discard when it fails or crashes.
    async run(payload, ctx) {
      // Trove's imports (COCO, YOLO) are changes whose lines come converted from a file.
      if (payload.import) return importEntries({ ...payload, import: payload.import }, deps, ctx);
      const { datasetId, requester } = payload;
      const writer = await writerFor(datasetId, ctx, limits, { operation: 'UpdateDatasetEntries', accessKeyId: requester?.accessKeyId });
      if (!writer) return void (await ctx.finish(async () => undefined));
      writer.rememberWritten();
      // Read a piece at a time, twice when images are checked: never read whole from the store
      // (when this node accepted the change, the pieces are views of the request's bytes:
      // HeldBodies). Inside the transaction, through it (PostgreSQL: no second connection while
      // it holds one).
      const pieces = (via?: Repositories) => ctx.job.body?.pieces(via?.jobs) ?? [];
      // The images of a change are checked too, where the object store reaches them: before the
      // transaction, so no network read ever holds the write lock.
      const checker = imageCheckerFor(deps, readerFor(deps, requester, writer.dataset.arn), ctx.logger);
      const checkImages: ImageCheck | undefined = checker && await checkImagesAhead(splitPieceBytes(pieces()), checker, deps.imageChecks.concurrency);
      let result: IngestResult | undefined;
      const rejected = await commitOrReject(ctx, [writer], 'UPDATE_FAILED', async (tx, now) => {
        result = await ingestLines(splitPieces(pieces(tx)), (rows) => writer.upsert(rows, tx), {
          maxLabels: limits.maxLabelsPerDataset, checkImages, observer: writer.change, chunkChars: CHANGE_CHUNK_CHARS,
        });
        const rejection = terminalErrorCheck(result, limits);
        if (rejection) throw rejection;
        await writer.commit(tx, statusChange('UPDATE_COMPLETE', now));
      }, true);
      deps.entriesCommitted();
      // What was read, also when the ingest threw (too many labels, say) and left `result` unset.
      deps.observer?.batchEnded('change', writer.change.ingestResult, rejected);
    },

    async giveUp(payload, ctx, error) {
      const { datasetId, requester } = payload;
      const writer = await writerFor(datasetId, ctx, limits, { operation: 'UpdateDatasetEntries', accessKeyId: requester?.accessKeyId });
      if (!writer) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, [writer], 'UPDATE_FAILED', error);
    },
  };
}
