-- PostgreSQL twin of sqlite/migrations/0042-collection-cursor.sql: AgentCore garbage collection's
-- position in a dataset's superseded example rows, (deleted_rev, id) order; rows at or before it
-- are gone or kept by a published version, so each write examines a bounded slice after it.
ALTER TABLE ac_datasets ADD COLUMN gc_rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ac_datasets ADD COLUMN gc_id BIGINT NOT NULL DEFAULT 0;
-- The scan walks (deleted_rev, id) from the cursor in index order (SQLite's index carries the
-- rowid id already; PostgreSQL's needs it as a column).
CREATE INDEX ac_examples_superseded ON ac_examples (dataset_id, deleted_rev, id) WHERE deleted_rev IS NOT NULL;
DROP INDEX ac_examples_deleted_rev;
CREATE INDEX ac_versions_revision ON ac_versions (dataset_id, revision);
