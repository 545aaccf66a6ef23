-- Byte quotas on what a caller can make the store keep (docs/security.md "Resource exhaustion"):
-- uploads staged at once (UploadDatasetImport) and the requests failed jobs keep for RetryJob.
-- Each is counted per account and for the whole store, and checked by the transaction that would
-- add bytes, after locking its row of store_locks (FOR UPDATE on PostgreSQL, where several nodes
-- share the caps; SQLite's writers are serialised already), so racing requests cannot both pass.
CREATE TABLE store_locks (
  name TEXT PRIMARY KEY
);
INSERT INTO store_locks (name) VALUES ('staged-uploads'), ('kept-failed-requests');
-- The uploading account, and the bytes counted against the caps: at least `bytes`, up front
-- the size the request announced.
ALTER TABLE import_uploads ADD COLUMN account TEXT;
ALTER TABLE import_uploads ADD COLUMN reserved_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE import_uploads SET reserved_bytes = bytes;
-- The bytes a failed job keeps for RetryJob (its payload and body pieces; 0 when it keeps none,
-- or they were let go to stay under a cap), and the account of its resource (an ARN).
ALTER TABLE failed_jobs ADD COLUMN account TEXT;
ALTER TABLE failed_jobs ADD COLUMN kept_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE failed_jobs SET
  account = (SELECT substr(s4, 1, instr(s4, ':') - 1) FROM (SELECT substr(s3, instr(s3, ':') + 1) AS s4 FROM (
    SELECT substr(s2, instr(s2, ':') + 1) AS s3 FROM (SELECT substr(s1, instr(s1, ':') + 1) AS s2 FROM (
      SELECT substr(failed_jobs.resource, instr(failed_jobs.resource, ':') + 1) AS s1))))),
  kept_bytes = octet_length(payload) + COALESCE((SELECT SUM(LENGTH(body)) FROM job_bodies b WHERE b.job_id = failed_jobs.job_id), 0)
WHERE payload IS NOT NULL AND retry_refusal IS NULL;
CREATE INDEX failed_jobs_kept ON failed_jobs (account, id) WHERE kept_bytes > 0;
