-- Large job payloads (a 5 MB UpdateDatasetEntries blob, an AgentCore batch) move to their own
-- table: claiming, heartbeats and retries update the small jobs row, and SQLite rewrites a whole
-- row, overflow pages included, on every update.
CREATE TABLE job_bodies (
  job_id INTEGER PRIMARY KEY,
  body BLOB NOT NULL
);
INSERT INTO job_bodies (job_id, body) SELECT id, body FROM jobs WHERE body IS NOT NULL;
ALTER TABLE jobs DROP COLUMN body;
