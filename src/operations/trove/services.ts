import type { ExportService } from '../../domain/exchange/export-service.js';
import type { ImportService } from '../../domain/exchange/import-service.js';
import type { HistoryService } from '../../domain/rekognition/history/history-service.js';
import type { SnapshotService } from '../../domain/rekognition/history/snapshot-service.js';
import type { JobControl } from '../../domain/jobs/job-control.js';
import type { JobListing } from '../../domain/jobs/job-listing.js';
import type { EntryService } from '../../domain/rekognition/entry-service.js';
import type { ImageUploads } from '../../domain/uploads/image-uploads.js';

/**
 * The services Trove's own operations call (`/_trove/api/`). Each capability that is not an AWS
 * operation (history, exports, jobs, ...) adds its domain service here and its operations beside.
 */
export interface TroveServices {
  /** Open formats out: export links (domain/exchange/). */
  readonly exports: ExportService;
  /** Open formats in: COCO and YOLO imports from the object store or from a file sent (domain/exchange/). */
  readonly imports: ImportService;
  /** Rekognition dataset history: revisions, ingest reports, diffs, entries at a revision. */
  readonly history: HistoryService;
  /** Rekognition dataset snapshots: create, list, delete, restore. */
  readonly snapshots: SnapshotService;
  /** Rekognition entries: page tokens for a position of a listing (GetDatasetEntriesPageToken), counts by error code (GetDatasetErrorCounts), conditional changes. */
  readonly rekognitionEntries: EntryService;
  /** Images written into the caller's buckets (UploadImage, ListWritableBuckets). */
  readonly imageUploads: ImageUploads;
  /** Background jobs (ListJobs). */
  readonly jobs: JobListing;
  /** Retrying failed jobs, cancelling open ones (RetryJob, CancelJob). */
  readonly jobControl: JobControl;
}
