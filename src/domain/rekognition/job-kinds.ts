/** Stable names of the Rekognition jobs (stored with every job; never rename). */
export const RekognitionJobs = {
  createDataset: 'rekognition.create-dataset',
  updateEntries: 'rekognition.update-entries',
  distributeEntries: 'rekognition.distribute-entries',
  deleteDataset: 'rekognition.delete-dataset',
  deleteProject: 'rekognition.delete-project',
  restoreSnapshot: 'rekognition.restore-snapshot',
} as const;

/** Who asked for a change, for its history (added without a new payload version: older jobs simply lack it). */
interface Requested {
  accessKeyId?: string;
}

export interface CreateDatasetPayload extends Requested {
  datasetId: number;
  sourceDatasetId?: number;
  /** A GroundTruthManifest S3Object to import (added without a new payload version: older jobs simply lack it). */
  manifest?: { bucket: string; key: string; version?: string };
}
export interface UpdateEntriesPayload extends Requested { datasetId: number }
export interface DistributeEntriesPayload extends Requested { trainId: number; testId: number }
/** RestoreDatasetSnapshot: make the dataset's content that of `revision` again (the snapshot's, named for history). */
export interface RestoreSnapshotPayload extends Requested { datasetId: number; snapshot: string; revision: number }
export interface DeleteDatasetPayload { datasetId: number }
export interface DeleteProjectPayload { projectId: number }
