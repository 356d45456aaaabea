-- Money an event carries (orders, offline purchases), typed so totals need no JSON functions.
ALTER TABLE events ADD COLUMN value_vnd BIGINT;

-- Typed custom attributes of a profile (from surveys, imports, admin edits).
CREATE TABLE profile_attributes (
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    key TEXT NOT NULL,
    value_type TEXT NOT NULL CHECK (value_type IN ('string', 'number', 'boolean', 'date')),
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (profile_id, key)
);
CREATE INDEX profile_attributes_brand_idx ON profile_attributes (brand_id, key);
CREATE INDEX profiles_name_idx ON profiles (brand_id, display_name);
