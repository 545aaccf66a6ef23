import type { Logger } from 'pino';
import type { ObjectAccess, ObjectReader, Requester } from '../../../buckets/object-access.js';
import { ImageChecker } from '../../../domain/rekognition/images/image-checker.js';
import type { ImageCheckOutcome } from '../../../domain/rekognition/images/image-checker.js';
import type { IngestResult } from '../../../domain/rekognition/ingest.js';
import { accountOf } from '../../../domain/rekognition/arns.js';
import type { RekognitionLimits } from '../../../domain/rekognition/rekognition-deps.js';
import type { BatchRejected } from '../../../domain/rekognition/revision-writer.js';

/** What the Rekognition jobs need besides their context: limits, and where s3:// objects are read. */
export interface RekognitionJobDeps {
  readonly limits: RekognitionLimits;
  readonly objects: ObjectAccess;
  readonly imageChecks: { readonly enabled: boolean; readonly concurrency: number };
  /** Called once a job has committed entry rows: SQLite's trigram index catches up on them (Maintenance). */
  readonly entriesCommitted: () => void;
  /** Hears how lines and images fared (the metrics). */
  readonly observer?: IngestObserver;
}

/** Where lines come from: an UpdateDatasetEntries change, or a CreateDataset Ground Truth manifest. */
export type LineSource = 'change' | 'manifest';

/** Told the outcome of every batch of lines and every image check; never throws. */
export interface IngestObserver {
  /**
   * A batch ended: committed (`rejection` undefined) or refused as a whole with an AWS error code.
   * `result` is what its ingest read, as far as it went (also when a terminal error stopped it);
   * undefined when the batch was refused before its ingest began (its file unreadable, say).
   */
  batchEnded(source: LineSource, result: IngestResult | undefined, rejection: BatchRejected | undefined): void;
  imageChecked(outcome: ImageCheckOutcome): void;
}

/**
 * The job reads as the caller who asked, with the grants and allow-lists in force now (a grant
 * revoked since the request was accepted counts). A job from before object-store tenancy names
 * no requester: it reads as the dataset's account, without allow-lists.
 */
export function readerFor(deps: RekognitionJobDeps, requester: Requester | undefined, datasetArn: string): ObjectReader {
  return deps.objects.reader(requester ?? { account: accountOf(datasetArn) });
}

/** A fresh image checker for one job run (its memory of missing buckets lasts one run), if checks are on. */
export function imageCheckerFor(deps: RekognitionJobDeps, reader: ObjectReader, logger: Logger): ImageChecker | undefined {
  const observer = deps.observer;
  return deps.imageChecks.enabled ? new ImageChecker(reader, logger, observer && ((outcome) => observer.imageChecked(outcome))) : undefined;
}
