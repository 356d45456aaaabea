-- Campaigns, their short links, the touches people make on them (a link clicked, later a message clicked or a QR
-- scanned), and which campaign a visit or a purchase is attributed to (the last touch within the campaign's
-- window, the first kept too).
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    window_days INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT campaigns_brand_slug_key UNIQUE (brand_id, slug)
);

CREATE TABLE campaign_links (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    code TEXT NOT NULL,
    channel TEXT NOT NULL,
    placement TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT campaign_links_code_key UNIQUE (code)
);
CREATE INDEX campaign_links_campaign_idx ON campaign_links (campaign_id);

CREATE TABLE touches (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    link_id TEXT,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    device TEXT NOT NULL,
    profile_id TEXT,
    touched_at INTEGER NOT NULL,
    tied_at INTEGER
);
CREATE INDEX touches_profile_idx ON touches (profile_id, touched_at);
CREATE INDEX touches_campaign_idx ON touches (campaign_id, touched_at);

CREATE TABLE attributions (
    event_id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    value_vnd INTEGER,
    store_id TEXT,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    touch_id TEXT NOT NULL,
    first_campaign_id TEXT NOT NULL,
    first_touch_id TEXT NOT NULL
);
CREATE INDEX attributions_campaign_idx ON attributions (campaign_id, occurred_at);
CREATE INDEX attributions_first_idx ON attributions (first_campaign_id, occurred_at);
CREATE INDEX attributions_profile_idx ON attributions (profile_id);
