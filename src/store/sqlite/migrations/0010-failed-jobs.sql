-- Jobs that gave up after their last attempt. The job row itself is deleted in the transaction
-- that records the failure on its resource (e.g. UPDATE_FAILED, SERVICE_ERROR); what an operator
-- needs to see why is kept here (`trove jobs list`, /_trove/api/jobs, the metrics) for a while
-- (config jobs.failedRetentionMs), without the payload. Its own id: job ids may be reused on SQLite.
CREATE TABLE failed_jobs (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  resource TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX failed_jobs_failed_at ON failed_jobs (failed_at);
