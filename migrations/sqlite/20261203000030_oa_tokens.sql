-- A brand's Zalo OA tokens, sealed with the master key: the access token the OA API and ZNS take, and the
-- single-use refresh token that buys the next pair. A refusal pauses OA sending (paused_at) with Zalo's words.
CREATE TABLE oa_tokens (
    brand_id TEXT PRIMARY KEY REFERENCES brands (id),
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    refreshed_at INTEGER NOT NULL,
    paused_at INTEGER,
    last_error TEXT
);
