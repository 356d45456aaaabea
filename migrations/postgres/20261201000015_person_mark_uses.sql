-- A mark can carry a count (the plays a person used today under a profile they then erased) and an expiry after
-- which it is pruned, so only what is still needed is kept (see server/src/profiles/marks.rs).
ALTER TABLE person_marks ADD COLUMN uses BIGINT NOT NULL DEFAULT 1;
ALTER TABLE person_marks ADD COLUMN expires_at BIGINT;
