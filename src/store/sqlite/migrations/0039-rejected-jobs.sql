-- Whether a failed job was rejected (its change refused for what it holds, e.g. a manifest with
-- too many labels: failed at once, not retried) rather than giving up after its attempts or being
-- cancelled: ListJobs' `rejected`, which the console and bin/trove word as "Rejected after".
-- Jobs that failed before this migration read 0 (as they were listed: "Gave up after").
ALTER TABLE failed_jobs ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
