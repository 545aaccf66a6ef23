import { ConflictException } from '../../api/agentcore/errors.js';
import type { AcDatasetRecord, AcDatasetStatus, AcStatusChange, DraftStatus } from '../../store/agentcore-records.js';

/** A dataset write and the statuses it may start from (facts §5.2, from the original model docs). */
export interface Guard {
  readonly allowed: readonly AcDatasetStatus[];
  /** Statuses answered DATASET_IN_FAILED_STATE rather than DATASET_NOT_READY. */
  readonly failed: readonly AcDatasetStatus[];
}

const BUSY: readonly AcDatasetStatus[] = ['CREATING', 'UPDATING', 'DELETING'];

export const GUARDS: Readonly<Record<'edit' | 'editCreated' | 'deleteAll' | 'deleteVersion', Guard>> = {
  /** UpdateDataset, AddDatasetExamples, DeleteDatasetExamples. */
  edit: { allowed: ['ACTIVE', 'CREATE_FAILED', 'UPDATE_FAILED'], failed: ['DELETE_FAILED'] },
  /** UpdateDatasetExamples, CreateDatasetVersion: need a DRAFT that was created. */
  editCreated: { allowed: ['ACTIVE', 'UPDATE_FAILED'], failed: ['CREATE_FAILED', 'DELETE_FAILED'] },
  /** DeleteDataset of the whole dataset; DELETE_FAILED re-triggers the delete (AWS: idempotent retry path). */
  deleteAll: { allowed: ['ACTIVE', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED'], failed: [] },
  /** DeleteDataset of one published version. */
  deleteVersion: { allowed: ['ACTIVE', 'CREATE_FAILED', 'UPDATE_FAILED'], failed: ['DELETE_FAILED'] },
};

/**
 * The ConflictException for a dataset `status` the guard refuses. UNCONFIRMED: AWS's codes
 * (DATASET_NOT_READY, DATASET_IN_FAILED_STATE) presumably lead the message; this is the facts' proposal.
 */
export function conflictFor(dataset: Pick<AcDatasetRecord, 'datasetId'>, status: AcDatasetStatus, guard: Guard): ConflictException {
  if (guard.failed.includes(status)) {
    return new ConflictException(`DATASET_IN_FAILED_STATE: Dataset ${dataset.datasetId} is in status ${status}.`);
  }
  const why = BUSY.includes(status) ? 'wait until it is ACTIVE and try again' : 'the operation is not allowed in this status';
  return new ConflictException(`DATASET_NOT_READY: Dataset ${dataset.datasetId} is in status ${status}; ${why}.`);
}

export function inProgress(status: 'CREATING' | 'UPDATING' | 'DELETING', now: number): AcStatusChange {
  return { status, failureReason: null, updatedAt: now };
}

/** AWS: ACTIVE clears failureReason. */
export function active(now: number, draftStatus?: DraftStatus): AcStatusChange {
  return { status: 'ACTIVE', failureReason: null, updatedAt: now, draftStatus };
}

export function failed(status: 'CREATE_FAILED' | 'UPDATE_FAILED' | 'DELETE_FAILED', reason: string, now: number): AcStatusChange {
  return { status, failureReason: reason, updatedAt: now };
}
