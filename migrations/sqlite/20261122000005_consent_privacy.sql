-- Consent proof: every grant and withdrawal, per purpose; the current state is the latest record.
CREATE TABLE consent_records (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    source TEXT NOT NULL,
    wording_version TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX consent_records_profile_idx ON consent_records (profile_id, purpose, recorded_at);

-- Data-subject requests (export, erasure) and their completion.
CREATE TABLE privacy_requests (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    kind TEXT NOT NULL CHECK (kind IN ('export', 'erasure')),
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    completed_at INTEGER
);
CREATE INDEX privacy_requests_brand_idx ON privacy_requests (brand_id, requested_at);

ALTER TABLE profiles ADD COLUMN erased_at INTEGER;
