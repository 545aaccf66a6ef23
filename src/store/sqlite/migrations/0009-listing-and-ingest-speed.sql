-- The trigram index of source-refs (rk_entries_fts) is brought up to date after a change is
-- committed instead of inside its transaction (about a third of the storage work of a 5 MB
-- UpdateDatasetEntries). Every entry row with id <= indexed_upto is in the index; rows above it
-- are read directly by SourceRefContains until the indexer reaches them (moments after the commit).
CREATE TABLE rk_trigram_progress (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto INTEGER NOT NULL
);
-- Until now every row was indexed in the transaction that wrote it.
INSERT INTO rk_trigram_progress (id, indexed_upto) SELECT 1, COALESCE(MAX(id), 0) FROM rk_entries;

-- Job payloads in pieces (JobsRepository: a 5 MB payload is 80 rows of 64 KiB), so neither
-- storing nor reading one makes SQLite hold it whole.
CREATE TABLE job_body_pieces (
  job_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (job_id, seq)
);
INSERT INTO job_body_pieces (job_id, seq, body) SELECT job_id, 0, body FROM job_bodies;
DROP TABLE job_bodies;
ALTER TABLE job_body_pieces RENAME TO job_bodies;
