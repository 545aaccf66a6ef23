-- Attempts of a job that started and were cut short by a store outage (the database unreachable
-- or unable to write): the runner hands such an attempt back without counting it in `attempts`
-- (an outage must not push a job towards giving up), and counts it here instead, so ListJobs can
-- tell a job that never started from one whose run was interrupted (interruptedAttempts). Copied
-- to failed_jobs when the job fails; a retried job (RetryJob) starts again from 0.
ALTER TABLE jobs ADD COLUMN interrupted_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE failed_jobs ADD COLUMN interrupted_attempts INTEGER NOT NULL DEFAULT 0;
