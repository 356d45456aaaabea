-- The console's dashboard reads a brand's ledger, plays and responses by day over a period.
CREATE INDEX points_entries_brand_created_idx ON points_entries (brand_id, created_at);
CREATE INDEX game_plays_brand_created_idx ON game_plays (brand_id, created_at);
CREATE INDEX survey_responses_brand_created_idx ON survey_responses (brand_id, created_at);
