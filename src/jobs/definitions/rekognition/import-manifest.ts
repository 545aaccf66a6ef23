import { liveImageCheck } from '../../../domain/rekognition/images/image-checks.js';
import { ingestLines } from '../../../domain/rekognition/ingest.js';
import type { IngestResult } from '../../../domain/rekognition/ingest.js';
import { MAX_LINE_CHARS } from '../../../domain/rekognition/manifest/validate-line.js';
import { manifestTooLarge, streamManifestLines } from '../../../domain/rekognition/manifest/stream-lines.js';
import { BatchRejected } from '../../../domain/rekognition/revision-writer.js';
import type { RevisionWriter } from '../../../domain/rekognition/revision-writer.js';
import { formatS3Uri, ObjectStoreError } from '../../../object-store/object-store.js';
import type { ObjectRef, ObjectStream } from '../../../object-store/object-store.js';
import type { ObjectReader } from '../../../buckets/object-access.js';
import type { JobContext } from '../../job.js';
import { imageCheckerFor } from './job-deps.js';
import type { RekognitionJobDeps } from './job-deps.js';

/**
 * CreateDataset from a GroundTruthManifest: streams the manifest from the object store through
 * the line validator and the image checks into `writer`, reading both as `reader`'s requester.
 * Throws BatchRejected with the AWS terminal error when the manifest is gone, unreadable, binary,
 * denied, or past a limit; rethrows a transient store failure so the job is retried.
 */
export async function importManifest(
  ref: ObjectRef, writer: RevisionWriter, deps: RekognitionJobDeps, reader: ObjectReader, ctx: JobContext,
): Promise<IngestResult> {
  const { limits } = deps;
  let manifest: ObjectStream;
  try {
    manifest = await reader.openRead(ref);
  } catch (error) {
    throw unreadable(ref, error);
  }
  try {
    // AWS: a manifest over 1 GB fails before any line is read.
    const streamLimits = { maxBytes: limits.maxManifestBytes, maxLines: limits.maxManifestLines, maxLineChars: MAX_LINE_CHARS };
    if (manifest.size > limits.maxManifestBytes) throw manifestTooLarge(manifest.size, streamLimits);
    const lines = streamManifestLines(manifest.body, streamLimits);
    const checker = imageCheckerFor(deps, reader, ctx.logger);
    const result = await ingestLines(lines, (rows) => writer.upsert(rows), {
      maxLabels: limits.maxLabelsPerDataset,
      checkImages: checker && liveImageCheck(checker, deps.imageChecks.concurrency),
      oneBucket: true,
      observer: writer.change,
    });
    ctx.logger.info({ manifest: formatS3Uri(ref), ...result }, 'manifest imported');
    return result;
  } catch (error) {
    throw unreadable(ref, error);
  } finally {
    manifest.discard();
  }
}

/**
 * Store failures while reading the manifest → AWS terminal file errors; anything else unchanged.
 * (Image checks throw only `unavailable`: their other failures are findings on the line.)
 */
export function unreadable(ref: ObjectRef, error: unknown): unknown {
  if (!(error instanceof ObjectStoreError)) return error;
  switch (error.reason) {
    case 'no-such-bucket':
    case 'no-such-key':
      // AWS: "The manifest file extension or contents are invalid" also covers a bucket or key not found.
      return new BatchRejected('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT',
        `The manifest file extension or contents are invalid: ${formatS3Uri(ref)} no longer exists.`);
    case 'access-denied':
      return new BatchRejected('ERROR_INVALID_PERMISSIONS_MANIFEST_S3_BUCKET',
        `The S3 bucket permissions are incorrect: ${error.message}`);
    case 'unavailable':
      return error;
  }
}
