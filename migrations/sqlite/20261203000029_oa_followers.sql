-- Zalo OA: every verified webhook delivery as received (a retry of the same body is one row), processed by a job;
-- and the OA's followers, tied to profiles through the mini app's user id (user_id_by_app) or the follower id the
-- mini app read at sign-in (getUserInfo().idByOA).

CREATE TABLE oa_webhook_events (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    digest TEXT NOT NULL,
    event_name TEXT NOT NULL,
    server TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 1,
    processed_at INTEGER,
    outcome TEXT,
    CONSTRAINT oa_webhook_events_digest_key UNIQUE (brand_id, digest)
);
CREATE INDEX oa_webhook_events_received_idx ON oa_webhook_events (brand_id, received_at);

CREATE TABLE oa_followers (
    brand_id TEXT NOT NULL REFERENCES brands (id),
    follower_id TEXT NOT NULL,
    user_id_by_app TEXT,
    profile_id TEXT,
    following INTEGER NOT NULL DEFAULT 0,
    followed_at INTEGER,
    unfollowed_at INTEGER,
    last_user_message_at INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (brand_id, follower_id)
);
CREATE INDEX oa_followers_app_idx ON oa_followers (brand_id, user_id_by_app);
CREATE INDEX oa_followers_profile_idx ON oa_followers (profile_id);
