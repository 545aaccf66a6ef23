-- An example row version's content lives in its own table, keyed by the row version's id.
-- Superseding a version (UpdateDatasetExamples, DeleteDatasetExamples) sets its deleted_rev, and
-- an UPDATE writes a whole new tuple: with the content inline (examples under 2 KB are not
-- TOASTed), replacing 1,000 examples of 1 KB copied a megabyte of old content only to change one
-- integer per row. The narrow ac_examples rows now hold what listing and visibility need (their
-- sizes, revisions, seq), and a content row is written once, read by id, and deleted with its version.
CREATE TABLE ac_example_contents (
  id BIGINT PRIMARY KEY,
  content TEXT NOT NULL
);
INSERT INTO ac_example_contents (id, content) SELECT id, content FROM ac_examples;
ALTER TABLE ac_examples DROP COLUMN content;
-- PostgreSQL drops the column without rewriting the table: rows written before keep its bytes
-- until they are superseded and collected (or the table is rewritten, e.g. VACUUM FULL).
