import { isRetryableJobKind } from '../api/trove/jobs-outputs.js';
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

/**
 * Every job definition Trove runs, in one list; those of the kinds RetryJob queues again
 * (RETRYABLE_JOB_KINDS, the one list of them) marked `retryable`.
 */
export function jobDefinitions(deps: { rekognition: RekognitionJobDeps; agentcore: { garbageAfterMs: number; objects: ObjectAccess; limits: AgentCoreLimits } }): JobDefinition<never>[] {
  const definitions = [
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
  return definitions.map((definition) => ({ ...definition, retryable: isRetryableJobKind(definition.kind) }));
}
