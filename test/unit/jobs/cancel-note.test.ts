import { describe, expect, it } from 'vitest';
import { cancelledWhile, cancelNote } from '../../../src/domain/jobs/cancel-note.js';
import { JobCancelled } from '../../../src/jobs/job.js';

describe('a cancelled job\'s note', () => {
  it('says when the cancel came, and ListJobs reads it back', () => {
    expect(cancelNote('AKIATEST', 'QUEUED')).toBe(new JobCancelled('AKIATEST').message);
    expect(cancelNote('AKIATEST', 'RUNNING')).toBe('cancelled by access key AKIATEST (CancelJob) while running');
    expect(cancelNote('', 'RETRYING')).toBe('cancelled (CancelJob) while waiting to retry');
    expect([cancelledWhile(cancelNote('AKIATEST', 'QUEUED'), 0), cancelledWhile(cancelNote('AKIATEST', 'RUNNING'), 1), cancelledWhile(cancelNote('', 'RETRYING'), 2)])
      .toEqual(['QUEUED', 'RUNNING', 'RETRYING']);
  });

  it('claims nothing it cannot tell: a job that gave up, or an older note of a job with attempts', () => {
    expect(cancelledWhile('Error: connect ECONNREFUSED 127.0.0.1:9', 2)).toBeUndefined();
    expect(cancelledWhile(null, 0)).toBeUndefined();
    expect(cancelledWhile('cancelled by access key AKIATEST (CancelJob)', 1)).toBeUndefined();
    expect(cancelledWhile('cancelled by access key AKIATEST (CancelJob) while running, or so', 1)).toBeUndefined();
  });
});
