import type { Operation } from '../operation.js';
import { addDatasetExamples } from './add-dataset-examples.js';
import { createDataset } from './create-dataset.js';
import { createDatasetVersion } from './create-dataset-version.js';
import { deleteDataset } from './delete-dataset.js';
import { deleteDatasetExamples } from './delete-dataset-examples.js';
import { getDataset } from './get-dataset.js';
import { listDatasetExamples } from './list-dataset-examples.js';
import { listDatasetVersions } from './list-dataset-versions.js';
import { listDatasets } from './list-datasets.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import type { AgentCoreServices } from './services.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { updateDataset } from './update-dataset.js';
import { updateDatasetExamples } from './update-dataset-examples.js';

/** Every AgentCore operation Trove serves (the dataset API and tagging), by name. */
export function agentCoreOperations(services: AgentCoreServices): ReadonlyMap<string, Operation<never>> {
  const operations = [
    createDataset, getDataset, updateDataset, deleteDataset, listDatasets,
    addDatasetExamples, updateDatasetExamples, deleteDatasetExamples, listDatasetExamples,
    createDatasetVersion, listDatasetVersions,
    tagResource, untagResource, listTagsForResource,
  ].map((build) => build(services) as Operation<never>);
  return new Map(operations.map((operation) => [operation.name, operation]));
}
