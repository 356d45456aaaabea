-- Whether an attributed purchase was the person's first in the brand, so a campaign's report can tell the
-- first-time buyers it brought from the returning ones without reading the log.
ALTER TABLE attributions ADD COLUMN first_purchase BIGINT NOT NULL DEFAULT 0;

-- A campaign's report reads only these indexes (no table rows), in one pass each: its conversions by day, store
-- and type; its people with what they did; its clicks by day and person. They replace the narrower ones.
DROP INDEX attributions_campaign_idx;
DROP INDEX touches_campaign_idx;
CREATE INDEX attributions_report_idx ON attributions (campaign_id, occurred_at, event_type, store_id, value_vnd);
CREATE INDEX attributions_people_idx ON attributions (campaign_id, profile_id, occurred_at, event_type, first_purchase);
CREATE INDEX touches_report_idx ON touches (campaign_id, touched_at, profile_id);
