import type { Clock } from '../../../lib/clock.js';
import type { Store } from '../../../store/store.js';
import type { PageTokens } from '../../pagination.js';
import type { RekognitionLimits } from '../rekognition-deps.js';

/** What the history room needs from the outside, passed in once (src/trove.ts). */
export interface HistoryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly pageTokens: PageTokens;
  readonly limits: RekognitionLimits;
  /** Snapshots a dataset may have at once. */
  readonly maxSnapshotsPerDataset: number;
  /** Tells the job runner that a job was committed. */
  readonly jobsEnqueued: () => void;
}

/** Trove: at most this many snapshots per dataset (each keeps a revision's rows from collection). */
export const DEFAULT_MAX_SNAPSHOTS_PER_DATASET = 100;
