-- Memory bounded by bytes, not rows: every example row records the size of its content (UTF-8
-- bytes), and the listing index carries it beside the visibility columns. A page or a download
-- first reads from the index how many rows fit its byte budget (never touching the TOASTed
-- content), then the content of those rows only.
ALTER TABLE ac_examples ADD COLUMN content_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE ac_examples SET content_bytes = octet_length(content);
ALTER TABLE ac_examples ALTER COLUMN content_bytes DROP DEFAULT;
DROP INDEX ac_examples_order;
CREATE INDEX ac_examples_order ON ac_examples (dataset_id, seq) INCLUDE (created_rev, deleted_rev, content_bytes);
