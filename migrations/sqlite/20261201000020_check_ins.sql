-- A store's QR poster (reissuing it makes the earlier ones useless), the check-ins customers make by scanning it,
-- and the purchases they claim with a receipt until staff or the day's till export confirm them.
ALTER TABLE stores ADD COLUMN poster_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stores ADD COLUMN poster_issued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN check_in_limit INTEGER NOT NULL DEFAULT 200;
UPDATE stores SET poster_issued_at = created_at;

CREATE TABLE store_check_ins (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    store_id TEXT NOT NULL REFERENCES stores (id),
    profile_id TEXT NOT NULL,
    day TEXT NOT NULL,
    poster_version INTEGER NOT NULL,
    checked_in_at INTEGER NOT NULL,
    latitude REAL,
    longitude REAL,
    distance_m INTEGER,
    status TEXT NOT NULL,
    flag TEXT,
    event_id TEXT,
    reviewed_by TEXT,
    reviewed_at INTEGER,
    CONSTRAINT store_check_ins_once_key UNIQUE (store_id, profile_id, day)
);
CREATE INDEX store_check_ins_review_idx ON store_check_ins (brand_id, status, checked_in_at);
CREATE INDEX store_check_ins_poster_idx ON store_check_ins (store_id, poster_version, day);
CREATE INDEX store_check_ins_profile_idx ON store_check_ins (profile_id);

CREATE TABLE purchase_claims (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    store_id TEXT NOT NULL REFERENCES stores (id),
    profile_id TEXT NOT NULL,
    receipt_code TEXT NOT NULL,
    amount_vnd INTEGER NOT NULL,
    day TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT,
    decided_at INTEGER,
    event_id TEXT
);
-- A receipt is claimed once while the claim stands (a refused claim frees it).
CREATE UNIQUE INDEX purchase_claims_receipt_key ON purchase_claims (brand_id, receipt_code) WHERE status <> 'rejected';
CREATE INDEX purchase_claims_store_idx ON purchase_claims (store_id, status, day);
CREATE INDEX purchase_claims_profile_idx ON purchase_claims (profile_id, claimed_at);
