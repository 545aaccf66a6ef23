-- Twin of the SQLite migration 0009. PostgreSQL maintains its trigram index (pg_trgm GIN, with
-- its own pending list) in the writing transaction, so it needs no progress table.

-- Job payloads in pieces (JobsRepository: a 5 MB payload is 80 rows of 64 KiB), so neither
-- storing nor reading one makes the driver hold it whole in one value.
ALTER TABLE job_bodies ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_bodies DROP CONSTRAINT job_bodies_pkey;
ALTER TABLE job_bodies ADD PRIMARY KEY (job_id, seq);
ALTER TABLE job_bodies ALTER COLUMN seq DROP DEFAULT;
