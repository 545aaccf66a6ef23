import type { Logger } from 'pino';
import { ImageChecker } from '../../../domain/rekognition/images/image-checker.js';
import type { RekognitionLimits } from '../../../domain/rekognition/rekognition-deps.js';
import type { ObjectStore } from '../../../object-store/object-store.js';

/** What the Rekognition jobs need besides their context: limits, and where s3:// objects are read. */
export interface RekognitionJobDeps {
  readonly limits: RekognitionLimits;
  readonly objects: ObjectStore;
  readonly imageChecks: { readonly enabled: boolean; readonly concurrency: number };
  /** Called once a job has committed entry rows: SQLite's trigram index catches up on them (Maintenance). */
  readonly entriesCommitted: () => void;
}

/** A fresh image checker for one job run (its memory of missing buckets lasts one run), if checks are on. */
export function imageCheckerFor(deps: RekognitionJobDeps, logger: Logger): ImageChecker | undefined {
  return deps.imageChecks.enabled ? new ImageChecker(deps.objects, logger) : undefined;
}
