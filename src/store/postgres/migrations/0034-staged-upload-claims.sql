-- PostgreSQL twin of sqlite/migrations/0034-staged-upload-claims.sql: the bytes an arriving upload
-- counts against the store-wide staging cap (staged, plus the room taken for its next ones).
ALTER TABLE import_uploads ADD COLUMN claimed_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE import_uploads SET claimed_bytes = bytes;
