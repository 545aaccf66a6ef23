-- How far garbage collection has removed a dataset's superseded example rows: the newest revision
-- at which a row version it removed had been superseded (0: none removed). A DRAFT download link
-- pins a revision and reads the rows visible there; it is whole only while no row superseded
-- after its revision was removed, i.e. while its revision is at least this mark, which its pages
-- check after every read (src/domain/agentcore/download-service.ts).
ALTER TABLE ac_datasets ADD COLUMN collected_rev INTEGER NOT NULL DEFAULT 0;
-- Datasets collected before this migration: which rows went is not known, but every one was
-- superseded at or before the last collection's horizon, the oldest revision whose commit time
-- collection kept (src/domain/agentcore/garbage.ts). Never collected, that is the first commit,
-- at or below any revision a link can pin (links are issued from revision 1 on).
UPDATE ac_datasets SET collected_rev = COALESCE(
  (SELECT MIN(r.revision) FROM revisions r WHERE r.scope = 'agentcore' AND r.dataset_id = ac_datasets.id), 0);
