-- Profile merges: a merged profile keeps its row, pointing at the survivor, so old ids keep resolving.
ALTER TABLE profiles ADD COLUMN merged_into TEXT REFERENCES profiles (id);

CREATE TABLE profile_merges (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    from_profile_id TEXT NOT NULL REFERENCES profiles (id),
    into_profile_id TEXT NOT NULL REFERENCES profiles (id),
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX profile_merges_into_idx ON profile_merges (into_profile_id);
CREATE INDEX profile_merges_from_idx ON profile_merges (from_profile_id);

-- Identities that pointed at two people who must not be merged (two different verified phones).
CREATE TABLE identity_conflicts (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    other_profile_id TEXT NOT NULL REFERENCES profiles (id),
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX identity_conflicts_brand_idx ON identity_conflicts (brand_id, created_at);
