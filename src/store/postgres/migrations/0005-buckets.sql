-- PostgreSQL twin of sqlite/migrations/0005-buckets.sql: BIGINT epoch-ms, COLLATE "C" on the
-- sorted/compared text (SQLite's binary order).
CREATE TABLE buckets (
  name TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX buckets_owner ON buckets (owner);
CREATE TABLE bucket_grants (
  bucket TEXT COLLATE "C" NOT NULL REFERENCES buckets (name) ON DELETE CASCADE,
  account TEXT COLLATE "C" NOT NULL,
  access TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (bucket, account)
);
CREATE INDEX bucket_grants_account ON bucket_grants (account);
