import { ResourceNotFoundException } from '../../../api/trove/errors.js';
import type { Clock } from '../../../lib/clock.js';
import type { RkDatasetRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import type { Caller } from '../../caller.js';
import type { PageTokens } from '../../pagination.js';
import { belongsTo } from '../arns.js';
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

/**
 * The caller's dataset with this ARN, or the Trove API's ResourceNotFoundException: another
 * account's or region's dataset does not exist for the caller. Whatever its status: reads of its
 * history or entries go through readDataset (dataset-reads.ts), which refuses one being deleted.
 */
export async function findDataset(deps: { readonly store: Store }, caller: Caller, arn: string): Promise<RkDatasetRecord> {
  const dataset = belongsTo(arn, caller) ? await deps.store.rkDatasets.findByArn(arn) : undefined;
  if (!dataset) throw new ResourceNotFoundException(`The dataset ${arn} does not exist.`);
  return dataset;
}
