-- Large job payloads move to their own table, so claiming, heartbeats and retries update a small
-- jobs row (PostgreSQL keeps them TOASTed, but every update still writes a new row version).
CREATE TABLE job_bodies (
  job_id BIGINT PRIMARY KEY,
  body BYTEA NOT NULL
);
INSERT INTO job_bodies (job_id, body) SELECT id, body FROM jobs WHERE body IS NOT NULL;
ALTER TABLE jobs DROP COLUMN body;
