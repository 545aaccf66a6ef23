import type { AgentCoreLimits } from '../domain/agentcore/agentcore-deps.js';
import type { ObjectAccess } from '../buckets/object-access.js';
import type { JobDefinition } from './job.js';
import { deleteDatasetJob as acDeleteDatasetJob, purgeExamplesJob } from './definitions/agentcore/delete-dataset.js';
import { deleteVersionJob, publishVersionJob } from './definitions/agentcore/versions.js';
import { writeExamplesJobs } from './definitions/agentcore/write-examples.js';
import { createDatasetJob } from './definitions/rekognition/create-dataset.js';
import { deleteDatasetJob, deleteProjectJob } from './definitions/rekognition/delete-dataset.js';
import { distributeEntriesJob } from './definitions/rekognition/distribute-entries.js';
import type { RekognitionJobDeps } from './definitions/rekognition/job-deps.js';
import { restoreSnapshotJob } from './definitions/rekognition/restore-snapshot.js';
import { updateEntriesJob } from './definitions/rekognition/update-entries.js';

/** Every job definition Trove runs, in one list. */
export function jobDefinitions(deps: { rekognition: RekognitionJobDeps; agentcore: { garbageAfterMs: number; objects: ObjectAccess; limits: AgentCoreLimits } }): JobDefinition<never>[] {
  return [
    createDatasetJob(deps.rekognition),
    updateEntriesJob(deps.rekognition),
    distributeEntriesJob(deps.rekognition),
    deleteDatasetJob(),
    deleteProjectJob(),
    restoreSnapshotJob(deps.rekognition),
    ...writeExamplesJobs(deps.agentcore),
    publishVersionJob(),
    deleteVersionJob(deps.agentcore),
    acDeleteDatasetJob(),
    purgeExamplesJob(),
  ] as JobDefinition<never>[];
}
