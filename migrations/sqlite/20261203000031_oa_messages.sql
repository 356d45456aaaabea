-- Messages the brand sent through its Zalo OA (today the console's replies), with where each stands: reserved
-- (sending), taken by Zalo (sent, with Zalo's message id), delivered, seen, or refused (failed, with Zalo's words).
CREATE TABLE oa_messages (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL,
    follower_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    zalo_message_id TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER,
    seen_at INTEGER
);
CREATE INDEX oa_messages_profile_idx ON oa_messages (brand_id, profile_id, created_at);
CREATE INDEX oa_messages_follower_idx ON oa_messages (brand_id, follower_id, created_at);
CREATE INDEX oa_messages_zalo_idx ON oa_messages (brand_id, zalo_message_id);
