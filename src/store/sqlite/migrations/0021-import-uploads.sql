-- Files sent to UploadDatasetImport (a local COCO file, a YOLO tar), staged in pieces while the
-- request streams in, so that the import job reading them survives a restart (and, on
-- PostgreSQL, runs on any node). An upload is written outside the accepting transaction (a
-- slow body must not hold the write lock); the accepting transaction gives it to its job
-- (job_id), and it is deleted with the job (JobsRepository.finish). One never given to a job
-- (the request failed or the process died meanwhile) is deleted by the maintenance sweep.
CREATE TABLE import_uploads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER,
  bytes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX import_uploads_job ON import_uploads (job_id);
CREATE TABLE import_upload_pieces (
  upload_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (upload_id, seq)
);
