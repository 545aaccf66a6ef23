-- Job ids are never given twice. Without AUTOINCREMENT SQLite numbers a new row after the
-- largest id still in the table, so once the last job was done (its row deleted) or failed (moved
-- to failed_jobs) the next job took its id again: `trove jobs list`, the console and the logs then
-- showed two different jobs as "job 1". PostgreSQL's identity column never reuses a value, so this
-- migration has no PostgreSQL twin. The table is rebuilt (SQLite cannot add AUTOINCREMENT to a
-- table) with the columns it has since 0004, and the sequence starts above every id already given.
CREATE TABLE jobs_numbered (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  payload_version INTEGER NOT NULL,
  resource TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_after INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
INSERT INTO jobs_numbered (id, kind, payload_version, resource, payload, state, attempts, run_after, lease_owner, lease_expires_at, last_error, created_at)
  SELECT id, kind, payload_version, resource, payload, state, attempts, run_after, lease_owner, lease_expires_at, last_error, created_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_numbered RENAME TO jobs;
CREATE INDEX jobs_claim ON jobs (state, run_after, id);
DELETE FROM sqlite_sequence WHERE name = 'jobs';
INSERT INTO sqlite_sequence (name, seq) SELECT 'jobs', max(
  (SELECT coalesce(max(id), 0) FROM jobs),
  (SELECT coalesce(max(job_id), 0) FROM failed_jobs),
  (SELECT coalesce(max(job_id), 0) FROM job_bodies));
