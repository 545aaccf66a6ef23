/**
 * The services Trove's own operations call (`/_trove/api/`). Each capability that is not an AWS
 * operation (history, exports, jobs, ...) adds its domain service here and its operations beside.
 */
import type { EntryService } from '../../domain/rekognition/entry-service.js';
import type { ImageUploads } from '../../domain/uploads/image-uploads.js';

export interface TroveServices {
  /** Rekognition entries: page tokens for a position of a listing (GetDatasetEntriesPageToken), conditional changes. */
  readonly rekognitionEntries: EntryService;
  /** Images written into the caller's buckets (UploadImage, ListWritableBuckets). */
  readonly imageUploads: ImageUploads;
}
