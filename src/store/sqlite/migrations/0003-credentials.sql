-- Access keys that sign requests (SigV4). The access key id is public; the secret key is stored
-- only as AES-256-GCM ciphertext under the master key (auth/secret-box.ts), never in clear.
CREATE TABLE credentials (
  access_key_id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  secret_ciphertext BLOB NOT NULL,
  -- JSON arrays of IAM-style action patterns and ARN patterns; NULL means no restriction.
  allow_actions TEXT,
  allow_resources TEXT,
  description TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX credentials_account ON credentials (account, created_at);
