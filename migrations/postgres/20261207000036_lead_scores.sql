-- Lead scores: how a brand scores its people (points per event kind and per attribute value, fading with a
-- half-life), and each person's score as last computed, which segments and the console read.
CREATE TABLE lead_score_settings (
    brand_id TEXT PRIMARY KEY REFERENCES brands (id),
    half_life_days BIGINT NOT NULL DEFAULT 0,
    rules TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE lead_scores (
    profile_id TEXT PRIMARY KEY REFERENCES profiles (id),
    brand_id TEXT NOT NULL REFERENCES brands (id),
    score BIGINT NOT NULL,
    computed_at BIGINT NOT NULL
);
CREATE INDEX lead_scores_brand ON lead_scores (brand_id, score);
