-- Idempotency of client tokens, for any API: (account, region, operation, resource, token) →
-- the request's hash and the response first sent. Written in the transaction that accepts the
-- request, so a replay never applies anything twice. Rows older than the window are ignored
-- and purged.
CREATE TABLE idempotency_keys (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  operation TEXT NOT NULL,
  resource TEXT NOT NULL,
  client_token TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response_status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account, region, operation, resource, client_token)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- AgentCore evaluation datasets. One row per dataset: its DRAFT's committed revision and
-- counters, the status machine, and the last version number handed out (never reused).
-- AUTOINCREMENT: an internal id is never reused, so rows of a deleted dataset still being
-- purged can never be mistaken for a new dataset's.
CREATE TABLE ac_datasets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- AWS: names are unique in the account regardless of case.
  name_key TEXT NOT NULL,
  arn TEXT NOT NULL,
  schema_type TEXT NOT NULL,
  description TEXT,
  kms_key_arn TEXT,
  tags TEXT,
  status TEXT NOT NULL,
  draft_status TEXT NOT NULL,
  failure_reason TEXT,
  -- The DRAFT's last committed revision (0: nothing committed yet).
  revision INTEGER NOT NULL DEFAULT 0,
  example_count INTEGER NOT NULL DEFAULT 0,
  -- Listing position handed to the next new example (examples keep theirs when replaced).
  next_seq INTEGER NOT NULL DEFAULT 1,
  last_version INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account, region, dataset_id),
  UNIQUE (account, region, name_key)
);
CREATE INDEX ac_datasets_listing ON ac_datasets (account, region, id);

-- Row versions of examples, exactly like rk_entries: visible at R when created_rev <= R < deleted_rev.
-- seq is the example's listing position, kept by every version of the example.
CREATE TABLE ac_examples (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL,
  example_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  content TEXT NOT NULL,
  created_rev INTEGER NOT NULL,
  deleted_rev INTEGER
);
CREATE UNIQUE INDEX ac_examples_live_id ON ac_examples (dataset_id, example_id) WHERE deleted_rev IS NULL;
CREATE INDEX ac_examples_order ON ac_examples (dataset_id, seq);
CREATE INDEX ac_examples_created_rev ON ac_examples (dataset_id, created_rev);
CREATE INDEX ac_examples_deleted_rev ON ac_examples (dataset_id, deleted_rev) WHERE deleted_rev IS NOT NULL;

-- Published versions: a number mapped to the DRAFT revision it froze (publishing is O(1)).
CREATE TABLE ac_versions (
  dataset_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  example_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, version)
);
