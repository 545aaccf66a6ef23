-- PostgreSQL twin of sqlite/migrations/0040-draft-collected-mark.sql: the newest revision at which
-- a row version garbage collection removed had been superseded (0: none); a DRAFT download link
-- pinned below it may miss examples, and its pages check it after every read. Datasets collected
-- before: the last collection's horizon (the oldest revision whose commit time was kept).
ALTER TABLE ac_datasets ADD COLUMN collected_rev BIGINT NOT NULL DEFAULT 0;
UPDATE ac_datasets SET collected_rev = COALESCE(
  (SELECT MIN(r.revision) FROM revisions r WHERE r.scope = 'agentcore' AND r.dataset_id = ac_datasets.id), 0);
