import type { HttpBinding } from '../http-binding.js';
import { MAX_UPLOAD_BYTES } from './inputs.js';
import type { TroveOperationName } from './inputs.js';

const PAGED = { maxResults: 'maxResults', nextToken: 'nextToken' };
/** A Rekognition dataset, its ARN one percent-encoded path segment (`/` as %2F). */
const DATASET = '/_trove/api/rekognition/datasets/{datasetArn}';

/** Where each of Trove's own operations sits on HTTP, under `/_trove/api` (docs/trove-api.md). */
export const httpBindings: Readonly<Record<TroveOperationName, HttpBinding>> = {
  GetCallerIdentity: { method: 'GET', uri: '/_trove/api/caller', code: 200 },
  ListDatasetRevisions: { method: 'GET', uri: `${DATASET}/revisions`, query: PAGED, code: 200 },
  GetDatasetIngestReport: { method: 'GET', uri: `${DATASET}/revisions/{revision}/report`, query: PAGED, code: 200 },
  ListDatasetRevisionEntries: { method: 'GET', uri: `${DATASET}/entries`, query: { at: 'at', ...PAGED }, code: 200 },
  DiffDatasetRevisions: { method: 'GET', uri: `${DATASET}/diff`, query: { from: 'from', to: 'to', ...PAGED }, code: 200 },
  CreateDatasetSnapshot: { method: 'POST', uri: `${DATASET}/snapshots`, code: 200 },
  ListDatasetSnapshots: { method: 'GET', uri: `${DATASET}/snapshots`, query: PAGED, code: 200 },
  DeleteDatasetSnapshot: { method: 'DELETE', uri: `${DATASET}/snapshots/{name}`, code: 204 },
  RestoreDatasetSnapshot: { method: 'POST', uri: `${DATASET}/snapshots/{name}/restore`, code: 202 },
  CreateDatasetExport: { method: 'POST', uri: `${DATASET}/exports`, code: 200 },
  CreateAgentCoreDatasetExport: { method: 'POST', uri: '/_trove/api/agentcore/datasets/{datasetId}/exports', code: 200 },
  StartDatasetImport: { method: 'POST', uri: `${DATASET}/imports`, code: 202 },
  UploadDatasetImport: { method: 'POST', uri: `${DATASET}/uploads`, query: { format: 'format', name: 'name', images: 'images' }, streamed: true, code: 202 },
  GetDatasetEntriesPageToken: { method: 'POST', uri: '/_trove/api/rekognition/entries-page-token', code: 200 },
  GetDatasetErrorCounts: { method: 'GET', uri: `${DATASET}/error-counts`, query: { nextToken: 'nextToken' }, code: 200 },
  ListJobs: { method: 'GET', uri: '/_trove/api/jobs', query: { states: 'state', maxResults: 'maxResults', nextToken: 'nextToken' }, code: 200 },
  RetryJob: { method: 'POST', uri: '/_trove/api/jobs/{jobId}/retry', code: 202 },
  CancelJob: { method: 'POST', uri: '/_trove/api/jobs/{jobId}/cancel', code: 200 },
  // UpdateDatasetEntries' 5 MB blob is ~7 MB of base64, plus the expectations.
  UpdateDatasetEntriesIfUnchanged: { method: 'POST', uri: '/_trove/api/rekognition/update-entries-if-unchanged', code: 200, bodyLimit: 16 * 1024 * 1024 },
  ListWritableBuckets: { method: 'GET', uri: '/_trove/api/buckets/writable', code: 200 },
  UploadImage: {
    method: 'PUT', uri: '/_trove/api/images', query: { bucket: 'bucket', key: 'key', overwrite: 'overwrite' }, payload: 'body', bodyLimit: MAX_UPLOAD_BYTES, code: 200,
  },
};

