-- Failed jobs can be retried and open jobs cancelled (RetryJob, CancelJob; docs/trove-api.md).
-- A failed job now keeps what it needs to run again: its payload (and its job_bodies pieces,
-- which stay under the same job id until the job is retried or forgotten). retry_refusal says why
-- a retry would fail the same way (a change rejected for its own lines alone); NULL: retryable.
-- Rows from before this migration have no payload and cannot be retried.
ALTER TABLE failed_jobs ADD COLUMN payload_version INTEGER;
ALTER TABLE failed_jobs ADD COLUMN payload TEXT;
ALTER TABLE failed_jobs ADD COLUMN retry_refusal TEXT;
CREATE INDEX failed_jobs_job_id ON failed_jobs (job_id);
-- A cancel asked for: the runner holding the job stops at its next transaction (every job
-- transaction reads the row to check its lease), and a queued job is failed without running.
-- By: the access key that asked ('' when unknown).
ALTER TABLE jobs ADD COLUMN cancel_requested_by TEXT;
