import type { Requester } from '../../buckets/object-access.js';
import { formatS3Uri } from '../../object-store/object-store.js';

/** Stable names of the Rekognition jobs (stored with every job; never rename). */
export const RekognitionJobs = {
  createDataset: 'rekognition.create-dataset',
  updateEntries: 'rekognition.update-entries',
  distributeEntries: 'rekognition.distribute-entries',
  deleteDataset: 'rekognition.delete-dataset',
  deleteProject: 'rekognition.delete-project',
  restoreSnapshot: 'rekognition.restore-snapshot',
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
  /** Trove's imports: the lines come from this file, converted, instead of the job's body (docs/trove-api.md). */
  import?: ImportSource;
  /** Accepted only if named entries were unchanged (UpdateDatasetEntriesIfUnchanged): never retried, its check is past. */
  conditional?: true;
}
/** A COCO file or a YOLO folder (tar), in the object store or staged in the store, and where its images are. */
export interface ImportSource {
  format: 'coco' | 'yolo';
  /** The object (StartDatasetImport), or the file the caller sent (UploadDatasetImport; added without a new payload version). */
  source: { bucket: string; key: string } | StagedUpload;
  /** `s3://bucket/prefix/` that relative image names are found under. */
  images?: string;
}
/** A file sent to UploadDatasetImport, staged in the store (ImportUploadsRepository) and deleted with its job. */
export interface StagedUpload {
  upload: number;
  /** The file's name as the caller gave it, for history (`COCO upload flowers.json`) and messages. */
  name: string;
  /** Its size: a job reads exactly these bytes or fails. */
  bytes: number;
}

/**
 * Why a change's job cannot run again from its stored request, whatever made it fail (RetryJob):
 * a conditional change's check was made once, and a file sent with UploadDatasetImport is
 * deleted with its job. Noted when the job fails, so ListJobs does not offer such a retry.
 */
export function changeRetryRefusal(payload: UpdateEntriesPayload): string | undefined {
  if (payload.conditional) return 'It was a conditional change (UpdateDatasetEntriesIfUnchanged), whose check cannot be made again: save the change again.';
  const source = payload.import?.source;
  if (source && 'upload' in source) return `It imported the file ${source.name} sent with UploadDatasetImport, which is not kept once its job has ended: upload it again.`;
  return undefined;
}

/** How history and messages name an import's source: `s3://bucket/key`, or `upload <name>`. */
export function importSourceName(source: ImportSource['source']): string {
  return 'upload' in source ? `upload ${source.name}` : formatS3Uri(source);
}
export interface DistributeEntriesPayload {
  trainId: number;
  testId: number;
  /** Who asked, for history (absent in older jobs). */
  requester?: Requester;
}
/** RestoreDatasetSnapshot: make the dataset's content that of `revision` again (the snapshot's, named for history). */
export interface RestoreSnapshotPayload { datasetId: number; snapshot: string; revision: number; requester: Requester }
export interface DeleteDatasetPayload { datasetId: number }
export interface DeleteProjectPayload { projectId: number }
