import { describe, expect, it } from 'vitest';
import { isRetryableJobKind, JOB_CONTROL_ACTIONS, RETRYABLE_JOB_KINDS } from '../../../src/api/trove/jobs-outputs.js';
import { AgentCoreJobs } from '../../../src/domain/agentcore/job-kinds.js';
import { RekognitionJobs } from '../../../src/domain/rekognition/job-kinds.js';
import { jobDefinitions } from '../../../src/jobs/registry.js';

// Which job kinds RetryJob queues again is written once (RETRYABLE_JOB_KINDS, which the console
// reads too); the job definitions that keep a failed job's body, and RetryJob's rules (typed by
// it), follow it. The list is of strings, since its file has no imports: these are real kinds.
describe('the job kinds RetryJob takes', () => {
  // Only each definition's kind and `retryable` are read here: none of them runs.
  const definitions = jobDefinitions({ rekognition: {} as never, agentcore: {} as never });

  it('are kinds Trove runs, and exactly the definitions marked retryable (whose failed jobs keep their body)', () => {
    const kinds = definitions.map((definition) => definition.kind);
    for (const kind of RETRYABLE_JOB_KINDS) expect(kinds).toContain(kind);
    expect(definitions.filter((definition) => definition.retryable).map((definition) => definition.kind).sort()).toEqual([...RETRYABLE_JOB_KINDS].sort());
    expect(definitions.filter((definition) => definition.retryable === undefined)).toEqual([]);
  });

  it('are changes and creations, each with the action a retry needs besides trove:RetryJob (AgentCore imports: their call\'s, from the job)', () => {
    expect(RETRYABLE_JOB_KINDS).toEqual([RekognitionJobs.updateEntries, RekognitionJobs.createDataset, AgentCoreJobs.writeExamples]);
    for (const kind of [RekognitionJobs.updateEntries, RekognitionJobs.createDataset]) expect(JOB_CONTROL_ACTIONS[kind]).toMatch(/^rekognition:/);
    expect(JOB_CONTROL_ACTIONS[AgentCoreJobs.writeExamples]).toBeUndefined();
    expect(isRetryableJobKind(RekognitionJobs.restoreSnapshot)).toBe(false);
    expect(isRetryableJobKind(AgentCoreJobs.publishStagedExamples)).toBe(false);
  });
});
