-- Twin of the SQLite migration 0013 (which replaces its trigram table with a table of grams).
-- PostgreSQL keeps its pg_trgm index; what changes is how a listing chooses between it and a
-- walk in listing order, and what each reads.

-- The listing order carries what the filters test, so a walk that passes entries by (a substring,
-- Labeled=true) reads the index alone (an index-only scan) and only the page's rows from the heap.
DROP INDEX rk_entries_dataset_order;
CREATE INDEX rk_entries_dataset_order ON rk_entries (dataset_id, id) INCLUDE (created_rev, deleted_rev, is_labeled, has_errors, source_ref);

-- Trigram indexes of the entries without labels and with errors only: Labeled=false or
-- HasErrors=true with a substring reads the postings of those entries (a tenth of the dataset or
-- less), not those of every entry that has the substring.
CREATE INDEX rk_entries_unlabeled_trgm ON rk_entries USING gin (source_ref gin_trgm_ops) WHERE is_labeled = 0;
CREATE INDEX rk_entries_with_errors_trgm ON rk_entries USING gin (source_ref gin_trgm_ops) WHERE has_errors = 1;

-- How common each trigram is (the most common elements of show_trgm(source_ref), kept by
-- ANALYZE): a substring is asked of the trigram index by its rarest trigrams only, and a listing
-- walks the listing order instead when the index would yield too many candidates. Statistics of
-- expressions exist from PostgreSQL 14 on; on 13 the listing asks for every trigram.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 140000 THEN
    EXECUTE 'CREATE STATISTICS rk_entries_source_ref_trigrams ON (show_trgm(source_ref)) FROM rk_entries';
  END IF;
END
$$;
ANALYZE rk_entries;
