-- Installation-wide settings (e.g. the HMAC key for pagination tokens), shared by every node.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

-- Durable jobs: stored with their whole payload in the same transaction that accepts the request.
-- A job row is deleted in the transaction that applies its last effect, so it runs exactly once.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload_version INTEGER NOT NULL,
  resource TEXT NOT NULL,
  payload TEXT NOT NULL,
  body BLOB,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_after INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX jobs_claim ON jobs (state, run_after, id);

-- When each dataset revision was committed: garbage collection of superseded rows waits until
-- no pagination token can still be pinned to a revision before it.
CREATE TABLE revisions (
  scope TEXT NOT NULL,
  dataset_id INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  committed_at INTEGER NOT NULL,
  PRIMARY KEY (scope, dataset_id, revision)
);

CREATE TABLE rk_projects (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  feature TEXT NOT NULL,
  auto_update TEXT,
  status TEXT NOT NULL,
  tags TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (account, region, name)
);

CREATE TABLE rk_datasets (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES rk_projects (id),
  arn TEXT NOT NULL UNIQUE,
  dataset_type TEXT NOT NULL CHECK (dataset_type IN ('TRAIN', 'TEST')),
  status TEXT NOT NULL,
  status_message TEXT NOT NULL,
  status_message_code TEXT NOT NULL,
  tags TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- The last committed revision: readers see rows created at or before it and not superseded by it.
  revision INTEGER NOT NULL DEFAULT 0,
  total_entries INTEGER NOT NULL DEFAULT 0,
  labeled_entries INTEGER NOT NULL DEFAULT 0,
  error_entries INTEGER NOT NULL DEFAULT 0,
  total_labels INTEGER NOT NULL DEFAULT 0,
  -- AWS: one TRAIN and one TEST dataset per project.
  UNIQUE (project_id, dataset_type)
);

-- Row versions of entries. created_rev/deleted_rev give the revision range in which a row is visible.
CREATE TABLE rk_entries (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL,
  source_ref TEXT NOT NULL,
  line TEXT NOT NULL,
  labels TEXT NOT NULL,
  is_labeled INTEGER NOT NULL,
  has_errors INTEGER NOT NULL,
  created_rev INTEGER NOT NULL,
  deleted_rev INTEGER
);
-- Every index costs on the bulk path, so each one earns its place:
-- the live row of a source-ref (upserts), the listing order, the two minority filters (entries
-- with errors, unlabeled entries; the other polarity scans the listing order), superseded rows (GC).
CREATE UNIQUE INDEX rk_entries_live_source_ref ON rk_entries (dataset_id, source_ref) WHERE deleted_rev IS NULL;
CREATE INDEX rk_entries_dataset_order ON rk_entries (dataset_id, id);
CREATE INDEX rk_entries_with_errors ON rk_entries (dataset_id, id) WHERE has_errors = 1;
CREATE INDEX rk_entries_unlabeled ON rk_entries (dataset_id, id) WHERE is_labeled = 0;
CREATE INDEX rk_entries_superseded ON rk_entries (dataset_id, deleted_rev) WHERE deleted_rev IS NOT NULL;

-- Which labels an entry row version uses (for the ContainsLabels filter); immutable like its row.
CREATE TABLE rk_entry_labels (
  dataset_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  entry_id INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, label, entry_id)
) WITHOUT ROWID;

-- Trigram index of source-refs for SourceRefContains; rowid = rk_entries.id. detail=none keeps it
-- small and cheap to write: a query ANDs the trigrams and the exact substring is checked on the row.
CREATE VIRTUAL TABLE rk_entries_fts USING fts5 (
  source_ref, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);

-- Label statistics at the dataset's committed revision (ListDatasetLabels reads only this).
CREATE TABLE rk_labels (
  dataset_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  bounding_box_count INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, label)
);
