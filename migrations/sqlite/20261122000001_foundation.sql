-- Foundation: brands, their users, customer profiles with identities, and sign-in sessions.
-- Times are epoch milliseconds; booleans are 0/1; ids are UUIDv7 text (see server/src/db.rs).

CREATE TABLE brands (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    zalo_app_id TEXT,
    zalo_app_secret TEXT,
    zalo_oa_id TEXT,
    zalo_oa_secret_key TEXT,
    zalo_checkout_private_key TEXT,
    momo_partner_code TEXT,
    momo_access_key TEXT,
    momo_secret_key TEXT,
    momo_open_private_key TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT brands_slug_key UNIQUE (slug)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    created_at INTEGER NOT NULL,
    disabled_at INTEGER,
    CONSTRAINT users_brand_email_key UNIQUE (brand_id, email)
);

CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    display_name TEXT,
    avatar_url TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX profiles_brand_idx ON profiles (brand_id, last_seen_at);

CREATE TABLE identities (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    verified INTEGER NOT NULL,
    source TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    CONSTRAINT identities_brand_kind_value_key UNIQUE (brand_id, kind, value)
);
CREATE INDEX identities_profile_idx ON identities (profile_id);

CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('profile', 'user')),
    subject_id TEXT NOT NULL,
    role TEXT NOT NULL,
    provider TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoked_reason TEXT
);
CREATE INDEX auth_sessions_subject_idx ON auth_sessions (subject_id);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id),
    token_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);
