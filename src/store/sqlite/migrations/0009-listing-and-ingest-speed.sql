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

-- ListDatasetEntries with several filters: each filter's index is in listing order, but when the
-- others reject most of what it yields, the page walked all of it (ContainsLabels + HasErrors
-- that match nothing read every entry with the label). The minority indexes and the label rows
-- now carry what the other filters test, so a combination is checked on the index it walks, and
-- labels with errors have an index of their own. A label row belongs to one immutable entry row
-- version, so copying its has_errors and source_ref never goes stale.
CREATE TABLE rk_entry_labels_new (
  dataset_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  entry_id INTEGER NOT NULL,
  has_errors INTEGER NOT NULL,
  source_ref TEXT NOT NULL,
  PRIMARY KEY (dataset_id, label, entry_id)
) WITHOUT ROWID;
INSERT INTO rk_entry_labels_new (dataset_id, label, entry_id, has_errors, source_ref)
  SELECT l.dataset_id, l.label, l.entry_id, e.has_errors, e.source_ref FROM rk_entry_labels l JOIN rk_entries e ON e.id = l.entry_id;
DROP TABLE rk_entry_labels;
ALTER TABLE rk_entry_labels_new RENAME TO rk_entry_labels;
CREATE INDEX rk_entry_labels_with_errors ON rk_entry_labels (dataset_id, label, entry_id, source_ref) WHERE has_errors = 1;

DROP INDEX rk_entries_with_errors;
CREATE INDEX rk_entries_with_errors ON rk_entries (dataset_id, id, is_labeled, created_rev, deleted_rev, source_ref) WHERE has_errors = 1;
DROP INDEX rk_entries_unlabeled;
CREATE INDEX rk_entries_unlabeled ON rk_entries (dataset_id, id, has_errors, created_rev, deleted_rev, source_ref) WHERE is_labeled = 0;
