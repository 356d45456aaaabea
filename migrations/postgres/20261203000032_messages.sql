-- Re-engagement messages. A segment is a rule tree (JSON) whose members are kept current as people act and
-- recomputed in full periodically; a message goes to a segment with content per channel; each recipient is one
-- row of message_sends keyed by (message, person), so a person is sent a message once however often a worker
-- is killed or several run; the caps are counters per person, scope and period, raised only below the cap in
-- the same statement, so two processes cannot both pass it.
CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    rule TEXT NOT NULL,
    members BIGINT NOT NULL DEFAULT 0,
    computed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE INDEX segments_brand_idx ON segments (brand_id, updated_at);

CREATE TABLE segment_members (
    segment_id TEXT NOT NULL REFERENCES segments (id),
    profile_id TEXT NOT NULL,
    brand_id TEXT NOT NULL,
    entered_at BIGINT NOT NULL,
    PRIMARY KEY (segment_id, profile_id)
);
CREATE INDEX segment_members_profile_idx ON segment_members (profile_id);

CREATE TABLE campaign_messages (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    segment_id TEXT NOT NULL REFERENCES segments (id),
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    send_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX campaign_messages_brand_idx ON campaign_messages (brand_id, created_at);

CREATE TABLE message_sends (
    message_id TEXT NOT NULL REFERENCES campaign_messages (id),
    profile_id TEXT NOT NULL,
    brand_id TEXT NOT NULL,
    token TEXT NOT NULL,
    status TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    lease_until BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    channel TEXT,
    tried TEXT NOT NULL DEFAULT '',
    reason TEXT,
    provider_id TEXT,
    cost_vnd BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    delivered_at BIGINT,
    read_at BIGINT,
    clicked_at BIGINT,
    clicks INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, profile_id),
    CONSTRAINT message_sends_token_key UNIQUE (token)
);
CREATE INDEX message_sends_queue_idx ON message_sends (message_id, status, due_at);
CREATE INDEX message_sends_provider_idx ON message_sends (brand_id, provider_id);
CREATE INDEX message_sends_profile_idx ON message_sends (profile_id);

-- A person's messages per scope ('all' or a channel) and period ('d:<day>', 'w:<week>', 'm:<month>').
CREATE TABLE message_caps (
    brand_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    period TEXT NOT NULL,
    sent INTEGER NOT NULL,
    PRIMARY KEY (profile_id, scope, period)
);

CREATE TABLE message_settings (
    brand_id TEXT PRIMARY KEY REFERENCES brands (id),
    settings TEXT NOT NULL,
    sms_gateway TEXT,
    updated_at BIGINT NOT NULL
);
