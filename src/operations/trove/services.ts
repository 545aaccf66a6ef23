import type { JobListing } from '../../domain/jobs/job-listing.js';
import type { EntryService } from '../../domain/rekognition/entry-service.js';

/**
 * The services Trove's own operations call (`/_trove/api/`). Each capability that is not an AWS
 * operation (history, exports, jobs, ...) adds its domain service here and its operations beside.
 */
export interface TroveServices {
  /** Rekognition entries: page tokens for a position of a listing (GetDatasetEntriesPageToken). */
  readonly rekognitionEntries: EntryService;
  /** Background jobs (ListJobs). */
  readonly jobs: JobListing;
}
