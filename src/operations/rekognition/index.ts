import type { Operation } from '../operation.js';
import { createDataset } from './create-dataset.js';
import { createProject } from './create-project.js';
import { deleteDataset } from './delete-dataset.js';
import { deleteProject } from './delete-project.js';
import { describeDataset } from './describe-dataset.js';
import { describeProjects } from './describe-projects.js';
import { distributeDatasetEntries } from './distribute-dataset-entries.js';
import { listDatasetEntries } from './list-dataset-entries.js';
import { listDatasetLabels } from './list-dataset-labels.js';
import type { RekognitionServices } from './services.js';
import { updateDatasetEntries } from './update-dataset-entries.js';

/** Every Rekognition operation Trove serves, by name (the X-Amz-Target suffix). */
export function rekognitionOperations(services: RekognitionServices): ReadonlyMap<string, Operation<never>> {
  const operations = [
    createProject, describeProjects, deleteProject,
    createDataset, describeDataset, deleteDataset,
    updateDatasetEntries, listDatasetEntries, listDatasetLabels, distributeDatasetEntries,
  ].map((build) => build(services) as Operation<never>);
  return new Map(operations.map((operation) => [operation.name, operation]));
}
