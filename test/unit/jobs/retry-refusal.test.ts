import { describe, expect, it } from 'vitest';
import { REQUEST_LET_GO, retryRefusal } from '../../../src/domain/jobs/retry-refusal.js';

// The one answer to "why does RetryJob refuse this failed job", which ListJobs shows and RetryJob
// refuses with (test/integration/operations/job-control.test.ts: both, through the API).
describe('retryRefusal', () => {
  const change = JSON.stringify({ datasetId: 1 });

  it('refuses kinds RetryJob does not take, before anything else', () => {
    expect(retryRefusal('rekognition.restore-snapshot', change)).toEqual({ reason: 'kind', sentence: 'Jobs of this kind are not retried: send the request that made it again.' });
  });

  it('refuses a job whose request was not kept, whether read (null) or only listed (false)', () => {
    for (const request of [null, false]) expect(retryRefusal('rekognition.update-entries', request)?.reason).toBe('not-kept');
  });

  it('a request let go to stay under the cap on kept bytes is not kept (its payload stays listed)', () => {
    expect(retryRefusal('rekognition.update-entries', true, REQUEST_LET_GO)).toEqual({ reason: 'not-kept', sentence: REQUEST_LET_GO });
  });

  it('gives the refusal noted with the failure; else, for a change, asks its request (jobs noted before such refusals)', () => {
    expect(retryRefusal('rekognition.update-entries', change, 'It was rejected for its own lines.')).toEqual({ reason: 'request', sentence: 'It was rejected for its own lines.' });
    const conditional = JSON.stringify({ datasetId: 1, conditional: true });
    expect(retryRefusal('rekognition.update-entries', conditional)?.sentence).toMatch(/^It was a conditional change/);
    // A listing knows only that it was kept: the noted refusal is its answer.
    expect(retryRefusal('rekognition.update-entries', true)).toBeUndefined();
    expect(retryRefusal('rekognition.update-entries', change)).toBeUndefined();
    expect(retryRefusal('rekognition.create-dataset', JSON.stringify({ datasetId: 1 }))).toBeUndefined();
  });

  it('takes an AgentCore s3Source import (read again from its file), not a batch an earlier Trove queued with its rows named', () => {
    const imported = JSON.stringify({ dataset: 1, kind: 'add', s3: { bucket: 'evals', key: 'a.jsonl' } });
    expect(retryRefusal('agentcore.write-examples', imported)).toBeUndefined();
    expect(retryRefusal('agentcore.write-examples', JSON.stringify({ dataset: 1, kind: 'update' }))).toMatchObject({ reason: 'request', sentence: expect.stringMatching(/^It was an example batch queued by an earlier Trove/) as string });
    expect(retryRefusal('agentcore.publish-staged-examples', JSON.stringify({ dataset: 1, kind: 'add', staged: { revision: 2, delta: 1, nextSeq: 3 } }))?.reason).toBe('kind');
  });
});
