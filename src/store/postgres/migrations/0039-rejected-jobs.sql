-- PostgreSQL twin of sqlite/migrations/0039-rejected-jobs.sql: whether a failed job was rejected
-- (failed at once for what its change holds, not retried) rather than giving up or cancelled
-- (ListJobs' `rejected`). Jobs that failed before read 0.
ALTER TABLE failed_jobs ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
