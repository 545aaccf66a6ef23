import type { Operation } from '../operation.js';
import { createAgentCoreDatasetExport } from './create-agentcore-dataset-export.js';
import { createDatasetExport } from './create-dataset-export.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { startDatasetImport } from './start-dataset-import.js';
import { getDatasetEntriesPageToken } from './get-dataset-entries-page-token.js';
import { listJobs } from './list-jobs.js';
import type { TroveServices } from './services.js';

/** Every operation of Trove's own API (`/_trove/api/`, docs/trove-api.md), by name. */
export function troveOperations(services: TroveServices): ReadonlyMap<string, Operation<never>> {
  const operations = [
    getCallerIdentity,
    createDatasetExport, createAgentCoreDatasetExport, startDatasetImport,
    getDatasetEntriesPageToken,
    listJobs,
  ].map((build) => build(services) as Operation<never>);
  return new Map(operations.map((operation) => [operation.name, operation]));
}
