-- An example row version's content lives in its own table, keyed by the row version's id.
-- Superseding a version (UpdateDatasetExamples, DeleteDatasetExamples) sets its deleted_rev, and
-- SQLite rewrites a whole row for that: with the content inline, replacing 1,000 examples of 1 KB
-- rewrote a megabyte of old content (about 250 pages) only to change one integer per row. The
-- narrow ac_examples rows now hold what listing and visibility need (their sizes, revisions,
-- seq), and a content row is written once, read by id, and deleted with its version.
CREATE TABLE ac_example_contents (
  id INTEGER PRIMARY KEY,
  content TEXT NOT NULL
);
INSERT INTO ac_example_contents (id, content) SELECT id, content FROM ac_examples;
ALTER TABLE ac_examples DROP COLUMN content;
