import type { ChangeOrigin } from '../../../domain/rekognition/history/change-log.js';
import type { IngestResult } from '../../../domain/rekognition/ingest.js';
import { RekognitionJobs } from '../../../domain/rekognition/job-kinds.js';
import type { CreateDatasetPayload } from '../../../domain/rekognition/job-kinds.js';
import { BatchRejected } from '../../../domain/rekognition/revision-writer.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import { formatS3Uri } from '../../../object-store/object-store.js';
import type { JobDefinition } from '../../job.js';
import { commitOrReject, failForService, rejectBatch, terminalErrorCheck, writerFor } from './batch-outcome.js';
import { importManifest } from './import-manifest.js';
import { readerFor } from './job-deps.js';
import type { RekognitionJobDeps } from './job-deps.js';

/** Entries copied per chunk transaction: 1000, fewer where their lines pass the store's page budget (byte-pages.ts). */
const COPY_CHUNK = 1000;

/**
 * Finishes CreateDataset: CREATE_IN_PROGRESS → CREATE_COMPLETE (empty, copied from another
 * dataset, or imported from a Ground Truth manifest) or CREATE_FAILED.
 */
export function createDatasetJob(deps: RekognitionJobDeps): JobDefinition<CreateDatasetPayload> {
  const { limits } = deps;
  return {
    kind: RekognitionJobs.createDataset,
    payloadVersion: 1,

    async run(payload, ctx) {
      const { datasetId, sourceDatasetId, manifest, requester } = payload;
      const source = sourceDatasetId === undefined ? undefined : await ctx.store.rkDatasets.findById(sourceDatasetId);
      const writer = await writerFor(datasetId, ctx, limits, origin(payload, source?.arn));
      if (!writer) return void (await ctx.finish(async () => undefined));
      await writer.begin();
      if (source) {
        // The copy reads the source at its committed revision, so updates running on it don't tear the copy.
        for (let afterId = 0; ;) {
          const rows = await ctx.store.rkEntries.scan(source.id, source.revision, afterId, COPY_CHUNK);
          if (rows.length === 0) break;
          await writer.upsert(rows);
          afterId = rows[rows.length - 1].id;
        }
      }
      let imported: IngestResult | undefined;
      if (manifest) {
        let rejection: BatchRejected | undefined;
        try {
          const reader = readerFor(deps, requester, writer.dataset.arn);
          imported = await importManifest(manifest, writer, deps, reader, ctx);
          rejection = terminalErrorCheck(imported, limits);
        } catch (error) {
          if (!(error instanceof BatchRejected)) throw error;
          rejection = error;
        }
        if (rejection) {
          await rejectBatch(ctx, [writer], 'CREATE_FAILED', rejection);
          // What was read, also when the import threw (a terminal error) and left `imported` unset.
          return deps.observer?.batchEnded('manifest', writer.change.ingestResult, rejection);
        }
      }
      const rejected = await commitOrReject(ctx, [writer], 'CREATE_FAILED', async (tx, now) => {
        if (sourceDatasetId !== undefined) {
          const still = await tx.rkDatasets.findById(sourceDatasetId);
          if (!still || still.status === 'DELETE_IN_PROGRESS') {
            throw new BatchRejected('ERROR_SOURCE_DATASET_DELETED', 'The source dataset was deleted before it could be copied.');
          }
        }
        await writer.commit(tx, statusChange('CREATE_COMPLETE', now));
      });
      deps.entriesCommitted();
      if (manifest) deps.observer?.batchEnded('manifest', writer.change.ingestResult, rejected);
    },

    async giveUp(payload, ctx, error) {
      const writer = await writerFor(payload.datasetId, ctx, limits, origin(payload));
      if (!writer) return void (await ctx.finish(async () => undefined));
      await failForService(ctx, [writer], 'CREATE_FAILED', error);
    },
  };
}

/** CreateDataset in history: from a manifest (its s3:// URI), a copy (the source's ARN), or empty. */
function origin({ manifest, requester }: CreateDatasetPayload, sourceArn?: string): ChangeOrigin {
  const source = manifest ? formatS3Uri(manifest) : sourceArn;
  return { operation: 'CreateDataset', accessKeyId: requester?.accessKeyId, ...(source === undefined ? {} : { source }) };
}
