-- Twin of the SQLite migration 0009. PostgreSQL maintains its trigram index (pg_trgm GIN, with
-- its own pending list) in the writing transaction, so it needs no progress table.

-- Job payloads in pieces (JobsRepository: a 5 MB payload is 80 rows of 64 KiB), so neither
-- storing nor reading one makes the driver hold it whole in one value.
ALTER TABLE job_bodies ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_bodies DROP CONSTRAINT job_bodies_pkey;
ALTER TABLE job_bodies ADD PRIMARY KEY (job_id, seq);
ALTER TABLE job_bodies ALTER COLUMN seq DROP DEFAULT;

-- ListDatasetEntries with several filters (twin of the SQLite migration): the label rows carry
-- has_errors and source_ref (copied from their immutable entry row version), labels with errors
-- have an index of their own, and the minority indexes carry the columns the other filters test.
ALTER TABLE rk_entry_labels ADD COLUMN has_errors SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE rk_entry_labels ADD COLUMN source_ref TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE rk_entry_labels l SET has_errors = e.has_errors, source_ref = e.source_ref FROM rk_entries e WHERE e.id = l.entry_id;
ALTER TABLE rk_entry_labels ALTER COLUMN has_errors DROP DEFAULT;
ALTER TABLE rk_entry_labels ALTER COLUMN source_ref DROP DEFAULT;
CREATE INDEX rk_entry_labels_with_errors ON rk_entry_labels (dataset_id, label, entry_id) INCLUDE (source_ref) WHERE has_errors = 1;

DROP INDEX rk_entries_with_errors;
CREATE INDEX rk_entries_with_errors ON rk_entries (dataset_id, id) INCLUDE (is_labeled, created_rev, deleted_rev, source_ref) WHERE has_errors = 1;
DROP INDEX rk_entries_unlabeled;
CREATE INDEX rk_entries_unlabeled ON rk_entries (dataset_id, id) INCLUDE (has_errors, created_rev, deleted_rev, source_ref) WHERE is_labeled = 0;
