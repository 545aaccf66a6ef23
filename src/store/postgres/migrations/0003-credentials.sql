-- PostgreSQL twin of sqlite/migrations/0003-credentials.sql: BIGINT epoch-ms, BYTEA ciphertext,
-- SMALLINT 0/1 boolean, COLLATE "C" on the sorted/compared text (SQLite's binary order).
CREATE TABLE credentials (
  access_key_id TEXT COLLATE "C" PRIMARY KEY,
  account TEXT COLLATE "C" NOT NULL,
  secret_ciphertext BYTEA NOT NULL,
  allow_actions TEXT,
  allow_resources TEXT,
  description TEXT,
  enabled SMALLINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX credentials_account ON credentials (account, created_at);
