-- A campaign's report reads a rollup its writers keep in the same transaction as the click, the tie or the
-- attribution, so a report over a million attributions reads at most a row per day and store for its counts and
-- a row per person and day for its people. A day is Vietnam's day: (epoch ms + 7 h) / 24 h.

-- Clicks (store ''), visits, purchases, revenue and first-touch conversions, per campaign, day and store ('' when none).
CREATE TABLE campaign_days (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    day INTEGER NOT NULL,
    store_id TEXT NOT NULL,
    clicks INTEGER NOT NULL DEFAULT 0,
    visits INTEGER NOT NULL DEFAULT 0,
    purchases INTEGER NOT NULL DEFAULT 0,
    revenue_vnd INTEGER NOT NULL DEFAULT 0,
    first_touches INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, day, store_id)
) WITHOUT ROWID;

-- What a person did in a campaign on a day: touched it (a click tied to them), converted (a visit or purchase
-- attributed to it), bought, and made their first purchase in the brand.
CREATE TABLE campaign_people (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    profile_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    touched INTEGER NOT NULL DEFAULT 0,
    converted INTEGER NOT NULL DEFAULT 0,
    bought INTEGER NOT NULL DEFAULT 0,
    first_buy INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, profile_id, day)
) WITHOUT ROWID;
CREATE INDEX campaign_people_leads_idx ON campaign_people (campaign_id, touched, day);
CREATE INDEX campaign_people_profile_idx ON campaign_people (profile_id);

-- What the campaigns already have.
INSERT INTO campaign_days (campaign_id, day, store_id, clicks, visits, purchases, revenue_vnd, first_touches)
SELECT campaign_id, day, store_id, SUM(clicks), SUM(visits), SUM(purchases), SUM(revenue_vnd), SUM(first_touches)
FROM (
    SELECT campaign_id, (touched_at + 25200000) / 86400000 AS day, '' AS store_id, 1 AS clicks, 0 AS visits,
        0 AS purchases, 0 AS revenue_vnd, 0 AS first_touches
    FROM touches
    UNION ALL
    SELECT campaign_id, (occurred_at + 25200000) / 86400000, COALESCE(store_id, ''), 0,
        CASE WHEN event_type = 'checked_in' THEN 1 ELSE 0 END, CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END,
        CASE WHEN event_type = 'checked_in' THEN 0 ELSE COALESCE(value_vnd, 0) END, 0
    FROM attributions
    UNION ALL
    SELECT first_campaign_id, (occurred_at + 25200000) / 86400000, COALESCE(store_id, ''), 0, 0, 0, 0, 1
    FROM attributions
) r
GROUP BY campaign_id, day, store_id;

INSERT INTO campaign_people (campaign_id, profile_id, day, touched, converted, bought, first_buy)
SELECT campaign_id, profile_id, day, MAX(touched), MAX(converted), MAX(bought), MAX(first_buy)
FROM (
    SELECT campaign_id, profile_id, (touched_at + 25200000) / 86400000 AS day, 1 AS touched, 0 AS converted,
        0 AS bought, 0 AS first_buy
    FROM touches WHERE profile_id IS NOT NULL
    UNION ALL
    SELECT campaign_id, profile_id, (occurred_at + 25200000) / 86400000, 0, 1,
        CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END, first_purchase
    FROM attributions
) r
GROUP BY campaign_id, profile_id, day;

-- The report no longer reads these; attribution itself reads touches by person.
DROP INDEX attributions_report_idx;
DROP INDEX attributions_people_idx;
DROP INDEX attributions_first_idx;
DROP INDEX touches_report_idx;
