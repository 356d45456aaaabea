-- Whether an attributed purchase was the person's first in the brand, so a campaign's report can tell the
-- first-time buyers it brought from the returning ones without reading the log.
ALTER TABLE attributions ADD COLUMN first_purchase BIGINT NOT NULL DEFAULT 0;
CREATE INDEX attributions_campaign_profile_idx ON attributions (campaign_id, profile_id);
