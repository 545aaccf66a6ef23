import type { RekognitionLimits } from '../domain/rekognition/rekognition-deps.js';
import type { JobDefinition } from './job.js';
import { deleteDatasetJob as acDeleteDatasetJob, purgeExamplesJob } from './definitions/agentcore/delete-dataset.js';
import { deleteVersionJob, publishVersionJob } from './definitions/agentcore/versions.js';
import { writeExamplesJob } from './definitions/agentcore/write-examples.js';
import { createDatasetJob } from './definitions/rekognition/create-dataset.js';
import { deleteDatasetJob, deleteProjectJob } from './definitions/rekognition/delete-dataset.js';
import { distributeEntriesJob } from './definitions/rekognition/distribute-entries.js';
import { updateEntriesJob } from './definitions/rekognition/update-entries.js';

/** Every job definition Trove runs, in one list. */
export function jobDefinitions(limits: { rekognition: RekognitionLimits; agentcore: { garbageAfterMs: number } }): JobDefinition<never>[] {
  return [
    createDatasetJob(limits.rekognition),
    updateEntriesJob(limits.rekognition),
    distributeEntriesJob(limits.rekognition),
    deleteDatasetJob(),
    deleteProjectJob(),
    writeExamplesJob(limits.agentcore),
    publishVersionJob(),
    deleteVersionJob(limits.agentcore),
    acDeleteDatasetJob(),
    purgeExamplesJob(),
  ] as JobDefinition<never>[];
}
