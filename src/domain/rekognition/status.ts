import type { RkDatasetStatus, StatusMessageCode } from '../../store/records.js';
import type { StatusChange } from '../../store/sql/rk-datasets-repository.js';

/** Statuses in which a dataset accepts a new update, distribution or deletion. */
export const SETTLED: readonly RkDatasetStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_FAILED', 'CREATE_FAILED'];

/** AWS: a dataset can't be deleted while CREATE_IN_PROGRESS or UPDATE_IN_PROGRESS. */
export const DELETABLE: readonly RkDatasetStatus[] = [...SETTLED, 'DELETE_IN_PROGRESS'];

const MESSAGES: Record<RkDatasetStatus, string> = {
  CREATE_IN_PROGRESS: 'The dataset is being created.',
  CREATE_COMPLETE: 'The dataset was successfully created.',
  CREATE_FAILED: 'The dataset could not be created.',
  UPDATE_IN_PROGRESS: 'The dataset is being updated.',
  UPDATE_COMPLETE: 'The dataset was successfully updated.',
  UPDATE_FAILED: 'The dataset could not be updated.',
  DELETE_IN_PROGRESS: 'The dataset is being deleted.',
};

/** A successful or in-progress status with its standard message. */
export function statusChange(status: RkDatasetStatus, now: number): StatusChange {
  return { status, statusMessage: MESSAGES[status], statusMessageCode: 'SUCCESS', updatedAt: now };
}

/** A terminal failure: the AWS error code leads the message so scripts can match on it. */
export function failure(
  status: 'CREATE_FAILED' | 'UPDATE_FAILED', code: string, message: string, messageCode: StatusMessageCode, now: number,
): StatusChange {
  return { status, statusMessage: `${code}: ${message}`, statusMessageCode: messageCode, updatedAt: now };
}
