-- Object-store tenancy (docs/security.md, "Buckets"): the account that owns each bucket, and the
-- other accounts an operator granted access to. A bucket with no row, or with owner NULL, has no
-- owner: once credentials exist, only accounts granted access read it.
CREATE TABLE buckets (
  name TEXT PRIMARY KEY,
  owner TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX buckets_owner ON buckets (owner);
-- access: 'read' (s3:GetObject) or 'read-write' (also writing objects, for features that upload).
CREATE TABLE bucket_grants (
  bucket TEXT NOT NULL REFERENCES buckets (name) ON DELETE CASCADE,
  account TEXT NOT NULL,
  access TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (bucket, account)
);
CREATE INDEX bucket_grants_account ON bucket_grants (account);
