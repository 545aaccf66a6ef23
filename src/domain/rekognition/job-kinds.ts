import type { Requester } from '../../buckets/object-access.js';

/** Stable names of the Rekognition jobs (stored with every job; never rename). */
export const RekognitionJobs = {
  createDataset: 'rekognition.create-dataset',
  updateEntries: 'rekognition.update-entries',
  distributeEntries: 'rekognition.distribute-entries',
  deleteDataset: 'rekognition.delete-dataset',
  deleteProject: 'rekognition.delete-project',
} as const;

export interface CreateDatasetPayload {
  datasetId: number;
  sourceDatasetId?: number;
  /** A GroundTruthManifest S3Object to import (added without a new payload version: older jobs simply lack it). */
  manifest?: { bucket: string; key: string; version?: string };
  /** Who asked: the job reads the manifest and the images as them (absent in jobs from before object-store tenancy). */
  requester?: Requester;
}
export interface UpdateEntriesPayload {
  datasetId: number;
  /** Who asked: the job checks the images as them (absent in older jobs). */
  requester?: Requester;
}
export interface DistributeEntriesPayload { trainId: number; testId: number }
export interface DeleteDatasetPayload { datasetId: number }
export interface DeleteProjectPayload { projectId: number }
