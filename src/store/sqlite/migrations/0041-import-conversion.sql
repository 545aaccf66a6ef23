-- What an import's conversion (COCO, YOLO) made and left out, counted by reason, with the
-- revision it made (GetDatasetIngestReport's and ListDatasetRevisions' `conversion`): JSON
-- {"images","boxes","imagesLeftOut","boxesLeftOut","leftOut":{reason: count}}. The left-out items
-- themselves are items of the revision's ingest report. NULL for every other change, and for
-- imports made before this migration (their conversion was only logged).
ALTER TABLE rk_history ADD COLUMN conversion TEXT;
