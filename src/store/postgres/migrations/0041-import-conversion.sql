-- PostgreSQL twin of sqlite/migrations/0041-import-conversion.sql: what an import's conversion
-- made and left out, counted by reason (JSON text), with the revision it made; NULL for every
-- other change and for imports made before this migration.
ALTER TABLE rk_history ADD COLUMN conversion TEXT;
