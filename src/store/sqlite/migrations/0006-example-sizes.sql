-- Memory bounded by bytes, not rows: every example row records the size of its content (UTF-8
-- bytes), and the listing index carries it beside the visibility columns. A page or a download
-- first reads from the index alone how many rows fit its byte budget, then the content of those
-- rows only (ListDatasetExamples used to read up to 1001 rows of up to 1 MiB to return 5).
-- Inserts always set content_bytes; the default only fills the rows already there.
ALTER TABLE ac_examples ADD COLUMN content_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE ac_examples SET content_bytes = length(CAST(content AS BLOB));
DROP INDEX ac_examples_order;
CREATE INDEX ac_examples_order ON ac_examples (dataset_id, seq, created_rev, deleted_rev, content_bytes);
