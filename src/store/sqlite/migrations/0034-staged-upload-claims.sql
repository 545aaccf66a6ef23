-- The store-wide staging cap counts bytes that have arrived (docs/security.md "Resource
-- exhaustion"), not the size an upload announces: claimed_bytes is what an arriving upload counts
-- against it, the bytes staged plus the room it took for its next ones (at most as much as it has
-- sent, 8 MiB, and half the room left), so it takes the store_locks row only when it passes that.
-- reserved_bytes stays what it counts against its own account's cap (at least the announced size).
ALTER TABLE import_uploads ADD COLUMN claimed_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE import_uploads SET claimed_bytes = bytes;
