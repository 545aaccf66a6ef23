import { describe, expect, it } from 'vitest';
import { AgentCoreJobs } from '../../../src/domain/agentcore/job-kinds.js';
import { cancelRefusal, requestAction } from '../../../src/domain/jobs/control-rules.js';
import { RekognitionJobs } from '../../../src/domain/rekognition/job-kinds.js';

// The rules ListJobs lists and CancelJob enforces (cancellable, cancelRefusal, requestAction), for
// every kind Trove has: a new kind is placed here on purpose (the wire behaviour:
// test/integration/operations/job-control.test.ts and agentcore-jobs.test.ts).

const batch = (kind: string) => JSON.stringify({ dataset: 1, kind });

describe('which jobs CancelJob acts on, and what it needs', () => {
  it('refuses every deletion, whatever its state, and names no action for it', () => {
    for (const kind of [RekognitionJobs.deleteDataset, RekognitionJobs.deleteProject, AgentCoreJobs.deleteDataset, AgentCoreJobs.deleteVersion, AgentCoreJobs.purgeExamples]) {
      for (const state of ['QUEUED', 'RUNNING', 'RETRYING'] as const) expect(cancelRefusal(kind, state, false)?.reason, `${kind} ${state}`).toBe('deletion');
      expect(requestAction(kind, '{}'), kind).toBeUndefined();
    }
  });

  it('cancels Rekognition changes in any open state, AgentCore jobs only while they wait (or once asked already)', () => {
    for (const kind of [RekognitionJobs.createDataset, RekognitionJobs.updateEntries, RekognitionJobs.distributeEntries, RekognitionJobs.restoreSnapshot]) {
      for (const state of ['QUEUED', 'RUNNING', 'RETRYING'] as const) expect(cancelRefusal(kind, state, false), `${kind} ${state}`).toBeUndefined();
    }
    for (const kind of [AgentCoreJobs.writeExamples, AgentCoreJobs.publishStagedExamples, AgentCoreJobs.publishVersion]) {
      expect(cancelRefusal(kind, 'QUEUED', false), kind).toBeUndefined();
      expect(cancelRefusal(kind, 'RETRYING', false), kind).toBeUndefined();
      expect(cancelRefusal(kind, 'RUNNING', false)?.reason, kind).toBe('running');
      expect(cancelRefusal(kind, 'RUNNING', true), kind).toBeUndefined();
    }
    expect(cancelRefusal('someday.new-kind', 'QUEUED', false)?.reason).toBe('kind');
    // Every kind Trove has is placed: cancellable, or refused for a reason other than not being known.
    for (const kind of [...Object.values(RekognitionJobs), ...Object.values(AgentCoreJobs)]) expect(cancelRefusal(kind, 'QUEUED', false)?.reason, kind).not.toBe('kind');
  });

  it('names the action of a job\'s request: the kind\'s, or an AgentCore batch\'s call from its payload', () => {
    expect(requestAction(RekognitionJobs.updateEntries, '{}')).toBe('rekognition:UpdateDatasetEntries');
    expect(requestAction(RekognitionJobs.restoreSnapshot, '{}')).toBe('rekognition:UpdateDatasetEntries');
    expect(requestAction(AgentCoreJobs.publishStagedExamples, batch('update'))).toBe('bedrock-agentcore:UpdateDatasetExamples');
    expect(requestAction(AgentCoreJobs.writeExamples, batch('create'))).toBe('bedrock-agentcore:CreateDataset');
    expect(requestAction(AgentCoreJobs.writeExamples, null)).toBeUndefined();
    expect(requestAction(AgentCoreJobs.publishVersion, '{"dataset":1,"version":2}')).toBe('bedrock-agentcore:CreateDatasetVersion');
  });
});
