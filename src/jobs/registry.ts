import type { JobDefinition } from './job.js';
import { createDatasetJob } from './definitions/rekognition/create-dataset.js';
import { deleteDatasetJob, deleteProjectJob } from './definitions/rekognition/delete-dataset.js';
import { distributeEntriesJob } from './definitions/rekognition/distribute-entries.js';
import type { RekognitionJobDeps } from './definitions/rekognition/job-deps.js';
import { updateEntriesJob } from './definitions/rekognition/update-entries.js';

/** Every job definition Trove runs, in one list. */
export function jobDefinitions(deps: { rekognition: RekognitionJobDeps }): JobDefinition<never>[] {
  return [
    createDatasetJob(deps.rekognition),
    updateEntriesJob(deps.rekognition),
    distributeEntriesJob(deps.rekognition.limits),
    deleteDatasetJob(),
    deleteProjectJob(),
  ] as JobDefinition<never>[];
}
