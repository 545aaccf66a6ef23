-- PostgreSQL twin of sqlite/migrations/0035-interrupted-attempts.sql: attempts that started and
-- were cut short by a store outage, handed back uncounted in `attempts`, are counted here
-- (ListJobs' interruptedAttempts), on the job and, once it fails, on its failed_jobs note.
ALTER TABLE jobs ADD COLUMN interrupted_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE failed_jobs ADD COLUMN interrupted_attempts INTEGER NOT NULL DEFAULT 0;
