-- The interaction log: append-only events on a profile's timeline, idempotent per brand by key.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    type TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    source TEXT NOT NULL,
    properties TEXT NOT NULL,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    link_id TEXT,
    idempotency_key TEXT,
    CONSTRAINT events_brand_idempotency_key UNIQUE (brand_id, idempotency_key)
);
CREATE INDEX events_profile_idx ON events (profile_id, occurred_at, id);
CREATE INDEX events_brand_type_idx ON events (brand_id, type, occurred_at);
