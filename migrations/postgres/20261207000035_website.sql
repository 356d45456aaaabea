-- The brand's website: the origins its snippet may send from, its pop-up forms, their funnel by day, and what was
-- submitted (keyed hashes of the visitor's address and phone, for rate limits and a reward once per phone, and
-- points waiting for the person to join in the mini app; the contact itself is on the profile).
CREATE TABLE web_origins (
    brand_id TEXT NOT NULL REFERENCES brands (id),
    origin TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (brand_id, origin)
);
CREATE INDEX web_origins_by_origin ON web_origins (origin);

CREATE TABLE web_forms (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX web_forms_brand ON web_forms (brand_id, created_at);

CREATE TABLE web_form_days (
    form_id TEXT NOT NULL REFERENCES web_forms (id),
    day TEXT NOT NULL,
    shown BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    submitted BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (form_id, day)
);

CREATE TABLE form_submissions (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    form_id TEXT NOT NULL REFERENCES web_forms (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    anonymous_id TEXT NOT NULL,
    address_key TEXT NOT NULL,
    phone_key TEXT,
    voucher_id TEXT,
    points BIGINT NOT NULL DEFAULT 0,
    points_credited_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX form_submissions_visitor ON form_submissions (brand_id, anonymous_id, created_at);
CREATE INDEX form_submissions_address ON form_submissions (brand_id, address_key, created_at);
CREATE INDEX form_submissions_profile ON form_submissions (profile_id);
CREATE INDEX form_submissions_phone ON form_submissions (form_id, phone_key);

-- A campaign link clicked on the brand's website carries the visitor's anonymous id, so tying the click at
-- sign-in joins their web history to the member.
ALTER TABLE touches ADD COLUMN anonymous_id TEXT;
