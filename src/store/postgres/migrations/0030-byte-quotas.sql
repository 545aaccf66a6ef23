-- PostgreSQL twin of sqlite/migrations/0030-byte-quotas.sql: byte caps on staged uploads and on
-- failed jobs' kept requests, per account and store-wide. A transaction adding bytes locks its
-- store_locks row (FOR UPDATE) before it counts, so several nodes share one cap without racing.
CREATE TABLE store_locks (
  name TEXT PRIMARY KEY
);
INSERT INTO store_locks (name) VALUES ('staged-uploads'), ('kept-failed-requests');
ALTER TABLE import_uploads ADD COLUMN account TEXT;
ALTER TABLE import_uploads ADD COLUMN reserved_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE import_uploads SET reserved_bytes = bytes;
ALTER TABLE failed_jobs ADD COLUMN account TEXT;
ALTER TABLE failed_jobs ADD COLUMN kept_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE failed_jobs SET
  account = split_part(resource, ':', 5),
  kept_bytes = octet_length(payload) + COALESCE((SELECT SUM(octet_length(body)) FROM job_bodies b WHERE b.job_id = failed_jobs.job_id), 0)
WHERE payload IS NOT NULL AND retry_refusal IS NULL;
CREATE INDEX failed_jobs_kept ON failed_jobs (account, id) WHERE kept_bytes > 0;
