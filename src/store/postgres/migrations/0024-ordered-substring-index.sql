-- The ordered substring index of SourceRefContains (src/store/sql/source-ref-chunks.ts,
-- docs/postgres.md "The ordered substring index"). SQLite's gram index (0013) is already in
-- listing order, so this migration has no SQLite twin.

-- Per dataset, bucket of a window of 5 characters (FNV-1a modulo 16,384, computed by Trove) and
-- chunk of 8,192 entry row ids: the chunk's ids with such a window, as delta varints (n of them).
CREATE TABLE rk_ref_chunks (
  dataset_id BIGINT NOT NULL,
  bucket INTEGER NOT NULL,
  chunk BIGINT NOT NULL,
  n INTEGER NOT NULL,
  ids BYTEA NOT NULL,
  PRIMARY KEY (dataset_id, bucket, chunk)
);

-- Every entry row id up to indexed_upto is in rk_ref_chunks (the ids of a chunk indexed later are
-- appended to its rows after a zero byte); the catch-up locks this row while it works (one node at
-- a time).
CREATE TABLE rk_ref_chunk_progress (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  indexed_upto BIGINT NOT NULL
);
INSERT INTO rk_ref_chunk_progress (id, indexed_upto) VALUES (1, 0);

-- Chunks of a dataset whose entry rows were deleted (purged versions, deleted datasets, discarded
-- changes): the next catch-up rebuilds their postings, so the index does not grow with churn.
CREATE TABLE rk_ref_chunk_dirty (
  dataset_id BIGINT NOT NULL,
  chunk BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, chunk)
);

-- The fence of the catch-up: the highest entry row id, read while no transaction that wrote
-- rk_entries is open (an identity value is taken before its insert commits, so a lower id may
-- still be on its way while a higher one is committed). SHARE conflicts with every writer's ROW
-- EXCLUSIVE; NOWAIT: a writer is never made to wait, the catch-up tries again later (NULL).
-- Called as a statement of its own, so the lock goes with it.
CREATE FUNCTION rk_entries_settled() RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE rk_entries IN SHARE MODE NOWAIT;
  RETURN (SELECT COALESCE(MAX(id), 0) FROM rk_entries);
EXCEPTION WHEN lock_not_available THEN
  RETURN NULL;
END
$$;
