import type { Clock } from '../../lib/clock.js';
import type { MonotonicStamp } from '../../lib/ids.js';
import type { ObjectAccess } from '../../buckets/object-access.js';
import type { Store } from '../../store/store.js';
import type { PageTokens } from '../pagination.js';

/** Limits Trove enforces for Rekognition datasets; the defaults are AWS's documented values. */
export interface RekognitionLimits {
  /** AWS: at most 250 labels per dataset (ERROR_MANIFEST_TOO_MANY_LABELS). */
  readonly maxLabelsPerDataset: number;
  /** AWS: 250,000 images per dataset. */
  readonly maxEntriesPerDataset: number;
  /**
   * Projects per account and region, answered with LimitExceededException on CreateProject.
   * AWS documents no number (facts: UNCONFIRMED); 1000 is Trove's default, configurable.
   */
  readonly maxProjectsPerAccount: number;
  /** AWS: create or update fails when more than 20% of the lines have terminal errors. */
  readonly maxTerminalErrorRatio: number;
  /** AWS: a manifest in S3 is at most 1 GB (ERROR_MANIFEST_SIZE_TOO_LARGE). Trove reads 1 GB as 2^30 bytes. */
  readonly maxManifestBytes: number;
  /** AWS: at most 250,000 lines per manifest, blank ones included (ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM). */
  readonly maxManifestLines: number;
  /**
   * Trove: most bytes a gzip-compressed YOLO archive (.tar.gz) an import reads may unpack to
   * (`--import-max-unzipped-bytes`, default 4 GiB: 16 times the largest upload). Deflate packs
   * 1000:1, so a small upload or object could otherwise stand for terabytes of tar to read.
   */
  readonly maxImportUnzippedBytes: number;
  /**
   * Trove: what one GetDatasetErrorCounts call reads before it answers with a token to go on
   * (error-counts.ts): bytes of stored lines and milliseconds, checked after each page.
   */
  readonly errorCountBytesPerCall: number;
  readonly errorCountMsPerCall: number;
}

export const DEFAULT_REKOGNITION_LIMITS: RekognitionLimits = Object.freeze({
  maxLabelsPerDataset: 250,
  maxEntriesPerDataset: 250_000,
  maxProjectsPerAccount: 1_000,
  maxTerminalErrorRatio: 0.2,
  maxManifestBytes: 1024 * 1024 * 1024,
  maxManifestLines: 250_000,
  maxImportUnzippedBytes: 4 * 1024 * 1024 * 1024,
  // A short walk a call (the event loop is yielded between pages, but a walk is CPU the node's
  // other callers share); a console or script follows the tokens.
  errorCountBytesPerCall: 8 * 1024 * 1024,
  errorCountMsPerCall: 200,
});

/** What the Rekognition domain needs from the outside, passed in once. */
export interface RekognitionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly stamps: MonotonicStamp;
  readonly pageTokens: PageTokens;
  readonly limits: RekognitionLimits;
  /** Where s3:// objects are read, each read checked for the caller (CreateDataset's manifest, console images). */
  readonly objects: ObjectAccess;
  /**
   * Tells the job runner that a job was committed (it also polls, so this is only a nudge), with
   * the job's payload when the caller still has it in memory (the job need not read it back).
   */
  readonly jobsEnqueued: (accepted?: { readonly jobId: number; readonly body: Buffer }) => void;
}
