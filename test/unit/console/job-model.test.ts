import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../console/src/jobs/job-model.js';
import { attemptWords, duration, errorPreview, jobResource, jobTimes, kindWords, statesFromQuery } from '../../../console/src/jobs/job-model.js';
import { failedWords } from '../../../src/api/trove/jobs-outputs.js';
import { AgentCoreJobs } from '../../../src/domain/agentcore/job-kinds.js';
import { RekognitionJobs } from '../../../src/domain/rekognition/job-kinds.js';

const T = 1_765_000_000; // epoch seconds

function job(overrides: Partial<JobView>): JobView {
  return { jobId: 7, kind: RekognitionJobs.updateEntries, state: 'QUEUED', resources: [], attempts: 0, createdAt: T, ...overrides };
}

describe('the Jobs page model', () => {
  it('says every job kind Trove has in words (a new kind without words fails here), and an unknown one by its name', () => {
    for (const kind of [...Object.values(RekognitionJobs), ...Object.values(AgentCoreJobs)]) {
      expect(kindWords(kind).words, kind).not.toBe(kind);
      expect(kindWords(kind).call, kind).toBeDefined();
    }
    expect(kindWords(RekognitionJobs.updateEntries)).toEqual({ words: 'Updating entries', call: 'UpdateDatasetEntries' });
    expect(kindWords('someday.new-kind')).toEqual({ words: 'someday.new-kind' });
  });

  it('names the call of an AgentCore batch by ListJobs\' requestAction (one of several calls makes such a job)', () => {
    expect(kindWords(AgentCoreJobs.publishStagedExamples, 'bedrock-agentcore:AddDatasetExamples')).toEqual({ words: 'Writing examples', call: 'AddDatasetExamples' });
    expect(kindWords(AgentCoreJobs.writeExamples, 'bedrock-agentcore:CreateDataset')).toEqual({ words: 'Writing examples', call: 'CreateDataset' });
    expect(kindWords(AgentCoreJobs.writeExamples)).toEqual({ words: 'Writing examples', call: 'CreateDataset, *DatasetExamples' });
    // Other kinds are made by one call: their own words.
    expect(kindWords(RekognitionJobs.restoreSnapshot, 'rekognition:UpdateDatasetEntries')).toEqual({ words: 'Restoring a snapshot', call: 'RestoreDatasetSnapshot' });
  });

  it('names a job\'s resource as the console does and links it to its page', () => {
    const train = 'arn:aws:rekognition:us-east-1:000000000000:project/flowers/dataset/train/1765000000000';
    expect(jobResource(train)).toEqual({
      arn: train, service: 'Rekognition', label: 'flowers · TRAIN', page: { path: '/rekognition/dataset', query: { arn: train } },
    });
    const project = 'arn:aws:rekognition:us-east-1:000000000000:project/flowers/1765000000000';
    expect(jobResource(project)).toMatchObject({ service: 'Rekognition', label: 'project flowers', page: { path: '/rekognition/project', query: { name: 'flowers' } } });
    const agentcore = 'arn:aws:bedrock-agentcore:us-east-1:000000000000:dataset/ds-0123456789';
    expect(jobResource(agentcore)).toMatchObject({ service: 'AgentCore', label: 'ds-0123456789', page: { path: '/agentcore/dataset', query: { id: 'ds-0123456789' } } });
    expect(jobResource('arn:aws:s3:::bucket/key')).toEqual({ arn: 'arn:aws:s3:::bucket/key', service: undefined, label: 'arn:aws:s3:::bucket/key' });
  });

  it('writes lengths of time to the unit a person reads them by, never negative', () => {
    expect([-5_000, 0, 44_600, 60_000, 59 * 60_000 + 59_000, 3_600_000, 2 * 3_600_000 + 5 * 60_000, 86_400_000, 3 * 86_400_000 + 4 * 3_600_000].map(duration))
      .toEqual(['0 s', '0 s', '45 s', '1 min', '59 min', '1 h', '2 h 5 min', '1 d', '3 d 4 h']);
  });

  it('gives each state its times: waiting, started and running, the next attempt, how long until it gave up or was cancelled', () => {
    const now = (T + 90) * 1000;
    expect(jobTimes(job({ nextAttemptAt: T }), now)).toEqual([{ label: 'Queued', at: T }, { label: 'Waiting', text: '1 min' }]);
    expect(jobTimes(job({ state: 'RUNNING', attempts: 1, startedAt: T + 30 }), now)).toEqual([
      { label: 'Queued', at: T }, { label: 'Started', at: T + 30 }, { label: 'Waited', text: '30 s' }, { label: 'Running', text: '1 min' },
    ]);
    expect(jobTimes(job({ state: 'RUNNING', attempts: 2, startedAt: T + 80 }), now)[2]).toEqual({ label: 'Waited (all attempts)', text: '1 min' });
    expect(jobTimes(job({ state: 'RETRYING', attempts: 1, nextAttemptAt: T + 100 }), now)).toEqual([
      { label: 'Queued', at: T }, { label: 'Since queued', text: '1 min' }, { label: 'Next attempt in', text: '10 s' },
    ]);
    expect(jobTimes(job({ state: 'FAILED', attempts: 5, failedAt: T + 12 }), now)).toEqual([
      { label: 'Queued', at: T }, { label: 'Failed', at: T + 12 }, { label: 'Gave up after', text: '12 s' },
    ]);
    // Cancelled before its first attempt: it never ran, so it did not give up.
    expect(jobTimes(job({ state: 'FAILED', attempts: 0, failedAt: T }), now)).toEqual([
      { label: 'Queued', at: T }, { label: 'Failed', at: T }, { label: 'Never ran', text: 'cancelled after 0 s in the queue' },
    ]);
    // Cancelled after it had run (ListJobs' cancelledWhile): it did not give up either.
    expect(jobTimes(job({ state: 'FAILED', attempts: 1, failedAt: T + 40, cancelledWhile: 'RUNNING' }), now)).toEqual([
      { label: 'Queued', at: T }, { label: 'Failed', at: T + 40 }, { label: 'Cancelled after', text: '40 s while running' },
    ]);
    expect(jobTimes(job({ state: 'FAILED', attempts: 2, failedAt: T + 65, cancelledWhile: 'RETRYING' }), now)[2]).toEqual(
      { label: 'Cancelled after', text: '1 min while waiting to retry' });
    // Rejected for what its change holds (ListJobs' rejected): failed at once, never retried.
    expect(jobTimes(job({ state: 'FAILED', attempts: 1, failedAt: T + 3, rejected: true }), now)[2]).toEqual(
      { label: 'Rejected after', text: '3 s, not retried' });
    // bin/trove jobs list says the same in a sentence.
    expect([
      job({ state: 'FAILED', attempts: 5, failedAt: T + 12 }), job({ state: 'FAILED', attempts: 0, failedAt: T }),
      job({ state: 'FAILED', attempts: 1, failedAt: T + 40, cancelledWhile: 'RUNNING' }),
    ].map((failed) => failedWords(failed).sentence)).toEqual([
      'Gave up after 12 s', 'Never ran: cancelled after 0 s in the queue', 'Cancelled after 40 s while running',
    ]);
  });

  it('tells a job that never started from one whose runs store outages cut short (not counted in its attempts)', () => {
    const now = (T + 90) * 1000;
    // Handed back after a store outage: it ran for part of the time since it was queued.
    expect(jobTimes(job({ interruptedAttempts: 1, nextAttemptAt: T }), now)).toEqual([{ label: 'Queued', at: T }, { label: 'Since queued', text: '1 min' }]);
    expect(jobTimes(job({ state: 'RUNNING', attempts: 1, interruptedAttempts: 1, startedAt: T + 80 }), now)[2]).toEqual({ label: 'Waited (all attempts)', text: '1 min' });
    // Cancelled after that: it did run, it did not never run.
    expect(jobTimes(job({ state: 'FAILED', attempts: 0, interruptedAttempts: 1, failedAt: T + 75 }), now)).toEqual([
      { label: 'Queued', at: T }, { label: 'Failed', at: T + 75 }, { label: 'Cancelled after', text: '1 min; a store outage had cut its only run short' },
    ]);
    expect(jobTimes(job({ state: 'FAILED', attempts: 0, interruptedAttempts: 2, failedAt: T + 5 }), now)[2]).toEqual(
      { label: 'Cancelled after', text: '5 s; store outages had cut its 2 runs short' });
    expect([
      job({}), job({ state: 'FAILED' }), job({ attempts: 2 }), job({ interruptedAttempts: 1 }), job({ interruptedAttempts: 2 }),
      job({ state: 'FAILED', interruptedAttempts: 1 }), job({ state: 'RUNNING', attempts: 1, interruptedAttempts: 1 }),
    ].map(attemptWords)).toEqual([
      'not tried yet', 'never run', '2 attempts', '1 attempt cut short', '2 attempts cut short', '1 attempt cut short', '1 attempt, 1 more cut short',
    ]);
  });

  it('folds a long error to its first line, keeps a short one whole', () => {
    expect(errorPreview('Error: connect ECONNREFUSED 127.0.0.1:9')).toEqual({ long: false });
    expect(errorPreview(`Error: first line\n${'more\n'.repeat(5)}`)).toEqual({ long: true, start: 'Error: first line' });
    const start = errorPreview('x'.repeat(1000));
    expect(start.long && start.start).toBe(`${'x'.repeat(239)}…`);
  });

  it('reads the states chosen in the URL, ignoring unknown ones, in listing order', () => {
    expect(statesFromQuery(['FAILED', 'QUEUED', 'DONE'])).toEqual(['QUEUED', 'FAILED']);
    expect(statesFromQuery([])).toEqual([]);
  });
});
