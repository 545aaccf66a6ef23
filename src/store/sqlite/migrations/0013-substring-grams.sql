-- SourceRefContains: the trigram table becomes a table of grams (source-ref-grams.ts): each
-- source-ref's windows of five characters, one starting at each character, as hex tokens, in the
-- scope of every entry and again in the scopes of entries without labels and with errors. A
-- substring of up to five characters is then one prefix query that finds exactly its matches; a
-- longer one is asked for by its rarest windows, which tell apart source-refs whose trigrams are
-- all common (`img-00001`: 100 of 250,000 source-refs, where trigrams let 11,000 through); and
-- Labeled=false or HasErrors=true with a substring reads the windows of those entries only.
DROP TABLE rk_entries_fts;
CREATE VIRTUAL TABLE rk_entries_grams USING fts5 (
  grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
);
-- The indexer (Maintenance.indexSourceRefs, after each change and at start-up) fills it from the
-- first row again; until it has, SourceRefContains reads the rows above its mark in listing order.
UPDATE rk_trigram_progress SET indexed_upto = 0;
