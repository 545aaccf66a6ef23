import type { Logger } from 'pino';
import { ImageChecker } from '../../../domain/rekognition/images/image-checker.js';
import type { IngestOptions } from '../../../domain/rekognition/ingest.js';
import type { RekognitionLimits } from '../../../domain/rekognition/rekognition-deps.js';
import type { ObjectStore } from '../../../object-store/object-store.js';

/** What the Rekognition jobs need besides their context: limits, and where s3:// objects are read. */
export interface RekognitionJobDeps {
  readonly limits: RekognitionLimits;
  readonly objects: ObjectStore;
  readonly imageChecks: { readonly enabled: boolean; readonly concurrency: number };
}

/** Ingest options for one job run: a fresh image checker (its bucket memory lasts one run). */
export function ingestOptions(deps: RekognitionJobDeps, logger: Logger, extra: { oneBucket?: boolean } = {}): IngestOptions {
  return {
    maxLabels: deps.limits.maxLabelsPerDataset,
    images: deps.imageChecks.enabled
      ? { checker: new ImageChecker(deps.objects, logger), concurrency: deps.imageChecks.concurrency }
      : undefined,
    ...extra,
  };
}
