-- PostgreSQL twin of sqlite/migrations/0023-job-retry-and-cancel.sql: failed jobs keep their
-- payload (and job_bodies pieces) to be retried; a cancel asked for is a column of the job row,
-- which every job transaction of the node running it reads (holdsLease) before it writes.
ALTER TABLE failed_jobs ADD COLUMN payload_version INTEGER;
ALTER TABLE failed_jobs ADD COLUMN payload TEXT;
ALTER TABLE failed_jobs ADD COLUMN retry_refusal TEXT;
CREATE INDEX failed_jobs_job_id ON failed_jobs (job_id);
ALTER TABLE jobs ADD COLUMN cancel_requested_by TEXT;
