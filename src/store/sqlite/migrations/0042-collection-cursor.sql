-- Where AgentCore garbage collection has got to in a dataset's superseded example rows, in
-- (deleted_rev, id) order: every row at or before (gc_rev, gc_id) has been examined and is either
-- gone or still kept by a published version. Collection resumes after it, so a write examines a
-- bounded number of rows instead of every kept row of the dataset's history
-- (src/domain/agentcore/garbage.ts). Deleting a version moves it back (rows that version kept).
-- Existing datasets start at (0, 0): their history is examined once, a bounded slice per write.
ALTER TABLE ac_datasets ADD COLUMN gc_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ac_datasets ADD COLUMN gc_id INTEGER NOT NULL DEFAULT 0;
-- Whether a published version keeps a row (a version revision in [created_rev, deleted_rev)): a
-- range seek instead of reading all of the dataset's versions for every examined row.
CREATE INDEX ac_versions_revision ON ac_versions (dataset_id, revision);
