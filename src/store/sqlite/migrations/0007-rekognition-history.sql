-- Rekognition dataset history (docs/trove-api.md): one row per revision a job published, with
-- who made it and what it did; the ingest report of each revision in compact parts; named
-- snapshots that keep a revision's entry row versions from garbage collection.
CREATE TABLE rk_history (
  dataset_id INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  -- The operation that made the revision: CreateDataset, UpdateDatasetEntries, DistributeDatasetEntries,
  -- RestoreDatasetSnapshot, or HistoryStarted (the revision a dataset had when history began).
  operation TEXT NOT NULL,
  -- COMPLETE, or FAILED: nothing was applied, the entries are those of the revision before.
  status TEXT NOT NULL,
  failure_code TEXT,
  failure_message TEXT,
  committed_at INTEGER NOT NULL,
  access_key_id TEXT,
  -- Where the content came from: a manifest's s3:// URI, a source dataset ARN, a snapshot.
  source TEXT,
  lines_received INTEGER NOT NULL DEFAULT 0,
  lines_dropped INTEGER NOT NULL DEFAULT 0,
  entries_added INTEGER NOT NULL DEFAULT 0,
  entries_replaced INTEGER NOT NULL DEFAULT 0,
  entries_unchanged INTEGER NOT NULL DEFAULT 0,
  entries_removed INTEGER NOT NULL DEFAULT 0,
  entries_with_errors INTEGER NOT NULL DEFAULT 0,
  entry_count INTEGER NOT NULL,
  -- Every entry row created at or before this revision has an id up to this one (ids only grow
  -- per dataset), so the rows a later revision created are found from the listing-order index.
  max_entry_id INTEGER NOT NULL,
  report_items INTEGER NOT NULL DEFAULT 0,
  report_omitted INTEGER NOT NULL DEFAULT 0,
  -- 1 once garbage collection may have removed row versions of this revision (a snapshot still keeps them).
  collected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dataset_id, revision)
);

-- The ingest report of a revision: dropped lines and entries with errors, a JSON array of
-- compact items per part (a few hundred KB at most), so a large report is a few rows to write.
CREATE TABLE rk_ingest_reports (
  dataset_id INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  part INTEGER NOT NULL,
  first_item INTEGER NOT NULL,
  items TEXT NOT NULL,
  PRIMARY KEY (dataset_id, revision, part)
);

CREATE TABLE rk_snapshots (
  dataset_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  access_key_id TEXT,
  PRIMARY KEY (dataset_id, name)
);
CREATE INDEX rk_snapshots_revision ON rk_snapshots (dataset_id, revision);

-- The version of a source-ref at an older revision (diffs, restores): live rows have their
-- unique index; superseded ones get this one. It costs only when an entry is replaced or removed.
CREATE INDEX rk_entries_superseded_source_ref ON rk_entries (dataset_id, source_ref) WHERE deleted_rev IS NOT NULL;

-- History starts at each existing dataset's committed revision.
INSERT INTO rk_history (dataset_id, revision, operation, status, committed_at, entry_count, max_entry_id)
SELECT d.id, d.revision, 'HistoryStarted', 'COMPLETE', d.updated_at, d.total_entries,
       COALESCE((SELECT MAX(e.id) FROM rk_entries e WHERE e.dataset_id = d.id AND e.created_rev <= d.revision), 0)
FROM rk_datasets d WHERE d.revision > 0;
