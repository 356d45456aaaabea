-- The campaign a message's clicks count for: a recipient's first click is a touch of it (attribution), as a campaign
-- link's click is.
ALTER TABLE campaign_messages ADD COLUMN campaign_id TEXT REFERENCES campaigns (id);
