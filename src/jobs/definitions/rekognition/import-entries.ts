import type { ObjectReader } from '../../../buckets/object-access.js';
import { cocoToLineBatches } from '../../../domain/exchange/coco-import.js';
import { ImportFormatError, manifestLineParsed, newImportStats } from '../../../domain/exchange/import-lines.js';
import type { ImportStats, ParsedLine } from '../../../domain/exchange/import-lines.js';
import { labelRowCounter, yoloToLines } from '../../../domain/exchange/yolo-import.js';
import { ImageChecker } from '../../../domain/rekognition/images/image-checker.js';
import { liveImageCheck } from '../../../domain/rekognition/images/image-checks.js';
import { ingestLines } from '../../../domain/rekognition/ingest.js';
import type { IngestResult, NumberedLine } from '../../../domain/rekognition/ingest.js';
import { importSourceName } from '../../../domain/rekognition/job-kinds.js';
import type { ImportSource, UpdateEntriesPayload } from '../../../domain/rekognition/job-kinds.js';
import type { RekognitionLimits } from '../../../domain/rekognition/rekognition-deps.js';
import { BatchRejected } from '../../../domain/rekognition/revision-writer.js';
import { statusChange } from '../../../domain/rekognition/status.js';
import { readTar, TarFormatError, TarUnzippedTooLarge } from '../../../lib/tar.js';
import { ObjectStoreError } from '../../../object-store/object-store.js';
import type { ObjectRef } from '../../../object-store/object-store.js';
import type { Store } from '../../../store/store.js';
import type { JobContext } from '../../job.js';
import { commitOrReject, rejectBatch, terminalErrorCheck, writerFor } from './batch-outcome.js';
import { unreadable } from './import-manifest.js';
import { imageCheckerFor, readerFor } from './job-deps.js';
import type { RekognitionJobDeps } from './job-deps.js';

/**
 * Lines per chunk transaction: larger than a manifest import's 1000, since every commit costs
 * (an fsync on SQLite), while a chunk of 5000 lines is still about 2.5 MB and a short lock.
 */
const IMPORT_CHUNK = 5000;
/** Largest file of a YOLO archive read with its content (data.yaml, images.txt, a label file). */
const MAX_YOLO_TEXT = 64 * 1024 * 1024;

/**
 * An import (StartDatasetImport, UploadDatasetImport) applied by the UpdateDatasetEntries job: the
 * COCO file or YOLO archive is read from the object store as the requester (or from the store,
 * where an upload was staged) and converted to manifest lines while
 * it streams, and the lines go through ingest exactly as a change's do (validation, image checks,
 * the 20% rule, the dataset's limits). Unlike a change of at most 5 MB, an import may be as large
 * as the dataset, so it is written in chunk transactions at the next revision, as a manifest
 * import is, and published in the job's last transaction: one revision, all or nothing.
 */
export async function importEntries(payload: UpdateEntriesPayload & { import: ImportSource }, deps: RekognitionJobDeps, ctx: JobContext): Promise<void> {
  const { limits } = deps;
  // History records it as the change it is, naming the file it came from.
  const source = payload.import.source;
  const writer = await writerFor(payload.datasetId, ctx, limits, {
    operation: 'UpdateDatasetEntries', accessKeyId: payload.requester?.accessKeyId, source: `${payload.import.format.toUpperCase()} ${importSourceName(source)}`,
  });
  if (!writer) return void (await ctx.finish(async () => undefined));
  await writer.begin();
  const reader = readerFor(deps, payload.requester, writer.dataset.arn);
  const checker = imageCheckerFor(deps, reader, ctx.logger);
  const stats = newImportStats();
  // What the conversion leaves out goes into the revision's ingest report with the lines it drops,
  // and its counts with the revision: failed or not, the user reads them where the rest of the ingest is.
  stats.onLeftOut = (item) => writer.change.leftOut(item);
  let rejection: BatchRejected | undefined;
  let result: IngestResult | undefined;
  try {
    const lines = convert(payload.import, ctx.store, reader, new ImageChecker(reader, ctx.logger), stats, limits, new Date(ctx.clock.now()).toISOString());
    result = await ingestLines(numbered(lines), (rows) => writer.upsert(rows), {
      maxLabels: limits.maxLabelsPerDataset, checkImages: checker && liveImageCheck(checker, deps.imageChecks.concurrency), chunkLines: IMPORT_CHUNK,
      observer: writer.change,
    });
    rejection = terminalErrorCheck(result, limits);
    ctx.logger.info({ import: importSourceName(source), format: payload.import.format, ...stats, ...result }, 'import converted');
  } catch (error) {
    rejection = rejectionOf(error, source, payload.import.format);
  }
  writer.change.converted(stats);
  // The metrics count what was read, also when the ingest threw (a terminal error) and left `result` unset.
  if (rejection) {
    deps.observer?.batchEnded('change', writer.change.ingestResult, rejection);
    return rejectBatch(ctx, [writer], 'UPDATE_FAILED', rejection);
  }
  const rejected = await commitOrReject(ctx, [writer], 'UPDATE_FAILED', async (tx, now) => {
    await writer.commit(tx, statusChange('UPDATE_COMPLETE', now));
  });
  deps.entriesCommitted();
  deps.observer?.batchEnded('change', writer.change.ingestResult, rejected);
}

/**
 * Converted lines numbered 1, 2, ...: an import's ingest report names a line by its place in the
 * conversion (one line per image, in the source's image order). A COCO line comes with its
 * parsed form, which validation takes instead of parsing the text again.
 */
async function* numbered(lines: AsyncIterable<string | readonly ParsedLine[]>): AsyncGenerator<NumberedLine[]> {
  let lineNumber = 0;
  for await (const item of lines) {
    yield typeof item === 'string' ? [{ lineNumber: ++lineNumber, text: item }] : item.map(({ text, parsed }) => ({ lineNumber: ++lineNumber, text, parsed }));
  }
}

function convert(
  spec: ImportSource, store: Store, reader: ObjectReader, sizes: ImageChecker, stats: ImportStats, limits: RekognitionLimits, creationDate: string,
): AsyncIterable<string | readonly ParsedLine[]> {
  const { source } = spec;
  const maxImages = limits.maxEntriesPerDataset;
  // A file the caller sent is read from the store, exactly as sent; the images, like any source's, as the caller.
  const open = 'upload' in source ? () => store.importUploads.read(source.upload, source.bytes) : () => objectBytes(reader, source);
  const imageSize = (sourceRef: string) => sizes.size(sourceRef);
  if (spec.format === 'coco') return cocoToLineBatches(open, { images: spec.images, creationDate, maxImages, imageSize }, stats, manifestLineParsed);
  const keep = (name: string) => /\.(txt|ya?ml)$/i.test(name);
  // A label file past MAX_YOLO_TEXT is not held, but its boxes are counted as it streams past:
  // on the label pass only, the one that reads them.
  const scanLarge = (name: string) => (/\.txt$/i.test(name) ? labelRowCounter() : undefined);
  const maxUnzippedBytes = limits.maxImportUnzippedBytes;
  return yoloToLines((pass) => readTar(open(), { maxBody: MAX_YOLO_TEXT, keep, scanLarge: pass === 'labels' ? scanLarge : undefined, maxUnzippedBytes }),
    { images: spec.images, creationDate, maxImages, imageSize }, stats);
}

/** The object's bytes, read anew on every call (a conversion reads its source more than once). */
async function* objectBytes(reader: ObjectReader, ref: ObjectRef): AsyncGenerator<Uint8Array> {
  const stream = await reader.openRead(ref);
  try {
    yield* stream.body;
  } finally {
    stream.discard();
  }
}

/** The import's failure as the dataset's UPDATE_FAILED: the AWS codes a manifest import would get. */
function rejectionOf(error: unknown, source: ImportSource['source'], format: string): BatchRejected {
  if (error instanceof BatchRejected) return error;
  if (error instanceof TarUnzippedTooLarge) {
    return new BatchRejected('ERROR_MANIFEST_SIZE_TOO_LARGE', `The ${format.toUpperCase()} source ${importSourceName(source)} cannot be imported: it is gzip-compressed `
      + `and unpacks to more than ${error.maxUnzippedBytes} bytes, the most this server reads of one (--import-max-unzipped-bytes).`);
  }
  if (error instanceof ImportFormatError || error instanceof TarFormatError) {
    return new BatchRejected('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT',
      `The ${format.toUpperCase()} source ${importSourceName(source)} cannot be imported: ${error.message}`);
  }
  const ref: ObjectRef | undefined = 'upload' in source ? undefined : source;
  if (ref && error instanceof ObjectStoreError && error.ref.bucket === ref.bucket && error.ref.key === ref.key) {
    const mapped = unreadable(ref, error);
    if (mapped instanceof BatchRejected) return mapped;
  }
  throw error;
}
