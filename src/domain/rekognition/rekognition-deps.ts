import type { Clock } from '../../lib/clock.js';
import type { MonotonicStamp } from '../../lib/ids.js';
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
}

export const DEFAULT_REKOGNITION_LIMITS: RekognitionLimits = Object.freeze({
  maxLabelsPerDataset: 250,
  maxEntriesPerDataset: 250_000,
  maxProjectsPerAccount: 1_000,
  maxTerminalErrorRatio: 0.2,
});

/** What the Rekognition domain needs from the outside, passed in once. */
export interface RekognitionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly stamps: MonotonicStamp;
  readonly pageTokens: PageTokens;
  readonly limits: RekognitionLimits;
  /** Tells the job runner that a job was committed (it also polls, so this is only a nudge). */
  readonly jobsEnqueued: () => void;
}
