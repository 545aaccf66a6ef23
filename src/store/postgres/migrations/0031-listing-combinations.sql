-- ListDatasetEntries with ContainsLabels and HasErrors=false or SourceRefContains (no SQLite
-- twin: SQLite reads a label row's columns from its table at the cost of an index entry). A
-- label's walk tests the label row's has_errors and source_ref: carried by the primary key's
-- entries, the walk reads the index alone (an index-only scan, 47 buffers for the 3,500 rows of
-- one label in the listing benchmark) instead of a heap page per row (580). Same key, same
-- uniqueness; only the entries grow (by the source-ref).
ALTER TABLE rk_entry_labels
  DROP CONSTRAINT rk_entry_labels_pkey,
  ADD CONSTRAINT rk_entry_labels_pkey PRIMARY KEY (dataset_id, label, entry_id) INCLUDE (has_errors, source_ref);

-- How common each trigram is among the source-refs of entries without labels and of entries
-- with errors (the scopes of Labeled=false and HasErrors=true, which have trigram indexes of
-- their own): the statistics of all source-refs say little of a minority (every entry with
-- errors in the listing benchmark is a .png, 20% of all). ANALYZE keeps the most common
-- elements of each expression among its non-null values, so among the scope's rows. PostgreSQL
-- 14+, as the statistics of 0013.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 140000 THEN
    EXECUTE 'CREATE STATISTICS rk_entries_unlabeled_source_ref_trigrams ON ((CASE WHEN is_labeled = 0 THEN show_trgm(source_ref) END)) FROM rk_entries';
    EXECUTE 'CREATE STATISTICS rk_entries_with_errors_source_ref_trigrams ON ((CASE WHEN has_errors = 1 THEN show_trgm(source_ref) END)) FROM rk_entries';
  END IF;
END
$$;

-- The trigram indexes of those scopes, partial on `column + 0` instead of the column: a query for
-- a scope's trigram index writes its predicate so (rk-entry-listing.ts), which then implies no
-- other index's predicate. With `has_errors = 1`, the planner walked the scope's (dataset_id, id)
-- B-tree whole, reading every row (3,058 buffers, 31 ms for HasErrors + a substring that no entry
-- with errors has), where the trigram index answers in 3 buffers.
DROP INDEX rk_entries_unlabeled_trgm;
CREATE INDEX rk_entries_unlabeled_trgm ON rk_entries USING gin (source_ref gin_trgm_ops) WHERE (is_labeled + 0) = 0;
DROP INDEX rk_entries_with_errors_trgm;
CREATE INDEX rk_entries_with_errors_trgm ON rk_entries USING gin (source_ref gin_trgm_ops) WHERE (has_errors + 0) = 1;
ANALYZE rk_entries;
