import type { Operation } from '../operation.js';
import { createAgentCoreDatasetExport } from './create-agentcore-dataset-export.js';
import { createDatasetExport } from './create-dataset-export.js';
import { createDatasetSnapshot } from './create-dataset-snapshot.js';
import { deleteDatasetSnapshot } from './delete-dataset-snapshot.js';
import { diffDatasetRevisions } from './diff-dataset-revisions.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { getDatasetIngestReport } from './get-dataset-ingest-report.js';
import { listDatasetRevisionEntries } from './list-dataset-revision-entries.js';
import { listDatasetRevisions } from './list-dataset-revisions.js';
import { listDatasetSnapshots } from './list-dataset-snapshots.js';
import { restoreDatasetSnapshot } from './restore-dataset-snapshot.js';
import { startDatasetImport } from './start-dataset-import.js';
import { uploadDatasetImport } from './upload-dataset-import.js';
import { getDatasetEntriesPageToken } from './get-dataset-entries-page-token.js';
import { getDatasetErrorCounts } from './get-dataset-error-counts.js';
import { listWritableBuckets } from './list-writable-buckets.js';
import { updateDatasetEntriesIfUnchanged } from './update-dataset-entries-if-unchanged.js';
import { uploadImage } from './upload-image.js';
import { listJobs } from './list-jobs.js';
import { cancelJob } from './cancel-job.js';
import { retryJob } from './retry-job.js';
import type { TroveServices } from './services.js';

/** Every operation of Trove's own API (`/_trove/api/`, docs/trove-api.md), by name. */
export function troveOperations(services: TroveServices): ReadonlyMap<string, Operation<never>> {
  const operations = [
    getCallerIdentity,
    listDatasetRevisions,
    getDatasetIngestReport,
    listDatasetRevisionEntries,
    diffDatasetRevisions,
    createDatasetSnapshot,
    listDatasetSnapshots,
    deleteDatasetSnapshot,
    restoreDatasetSnapshot,
    createDatasetExport, createAgentCoreDatasetExport, startDatasetImport, uploadDatasetImport,
    getDatasetEntriesPageToken,
    getDatasetErrorCounts,
    updateDatasetEntriesIfUnchanged,
    listWritableBuckets,
    uploadImage,
    listJobs, retryJob, cancelJob,
  ].map((build) => build(services) as Operation<never>);
  return new Map(operations.map((operation) => [operation.name, operation]));
}
