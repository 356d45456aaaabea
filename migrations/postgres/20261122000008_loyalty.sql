-- Loyalty: the brand's settings, earning rules and tiers; the points ledger (append-only entries, the lots
-- that credits open, and which lots each debit consumed); the rewards catalog and the vouchers it issues.

CREATE TABLE loyalty_settings (
    brand_id TEXT PRIMARY KEY REFERENCES brands (id),
    tier_metric TEXT NOT NULL CHECK (tier_metric IN ('points', 'vnd')),
    tier_window_months BIGINT NOT NULL CHECK (tier_window_months BETWEEN 1 AND 36),
    updated_at BIGINT NOT NULL
);

CREATE TABLE tiers (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    threshold BIGINT NOT NULL CHECK (threshold >= 0),
    earn_multiplier_pct BIGINT NOT NULL CHECK (earn_multiplier_pct BETWEEN 100 AND 1000),
    benefits TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT tiers_brand_threshold_key UNIQUE (brand_id, threshold)
);

CREATE TABLE earning_rules (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('per_vnd', 'fixed', 'multiplier')),
    trigger_type TEXT NOT NULL,
    points BIGINT,
    per_vnd BIGINT,
    rounding TEXT NOT NULL CHECK (rounding IN ('floor', 'nearest', 'ceil')),
    multiplier_pct BIGINT,
    starts_at BIGINT,
    ends_at BIGINT,
    pending_days BIGINT NOT NULL,
    expiry_days BIGINT,
    daily_cap BIGINT,
    member_cap BIGINT,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX earning_rules_brand_idx ON earning_rules (brand_id, active);

-- One row per member: the running totals (kept equal to the entries by every posting) and the tier.
CREATE TABLE points_accounts (
    profile_id TEXT PRIMARY KEY REFERENCES profiles (id),
    brand_id TEXT NOT NULL REFERENCES brands (id),
    balance BIGINT NOT NULL CHECK (balance >= 0),
    pending BIGINT NOT NULL CHECK (pending >= 0),
    tier_id TEXT REFERENCES tiers (id),
    tier_until BIGINT,
    next_due_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX points_accounts_brand_idx ON points_accounts (brand_id);
CREATE INDEX points_accounts_due_idx ON points_accounts (next_due_at);
CREATE INDEX points_accounts_tier_until_idx ON points_accounts (tier_until);

CREATE TABLE points_entries (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'adjust', 'reverse')),
    points BIGINT NOT NULL CHECK (points <> 0),
    remaining BIGINT NOT NULL CHECK (remaining >= 0),
    posted BIGINT NOT NULL,
    available_at BIGINT NOT NULL,
    expires_at BIGINT,
    source_kind TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    source_key TEXT NOT NULL,
    rule_id TEXT,
    reverses_id TEXT REFERENCES points_entries (id),
    label TEXT,
    reason TEXT,
    actor TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT points_entries_source_key UNIQUE (brand_id, source_key)
);
CREATE INDEX points_entries_profile_idx ON points_entries (profile_id, created_at, id);
CREATE INDEX points_entries_rule_idx ON points_entries (profile_id, rule_id, created_at) WHERE rule_id IS NOT NULL;
-- The member's lots with points left, in the order debits consume them.
CREATE INDEX points_entries_lots_idx ON points_entries (profile_id, expires_at, available_at) WHERE remaining > 0;
CREATE INDEX points_entries_brand_expiry_idx ON points_entries (brand_id, expires_at) WHERE remaining > 0;
CREATE UNIQUE INDEX points_entries_reverses_key ON points_entries (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TABLE points_allocations (
    debit_id TEXT NOT NULL REFERENCES points_entries (id),
    lot_id TEXT NOT NULL REFERENCES points_entries (id),
    points BIGINT NOT NULL CHECK (points > 0),
    PRIMARY KEY (debit_id, lot_id)
);
CREATE INDEX points_allocations_lot_idx ON points_allocations (lot_id);

CREATE TABLE rewards (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('discount_voucher', 'free_item', 'physical_gift')),
    discount_vnd BIGINT,
    discount_pct BIGINT,
    points_cost BIGINT NOT NULL CHECK (points_cost >= 0),
    stock BIGINT CHECK (stock IS NULL OR stock >= 0),
    issued BIGINT NOT NULL,
    per_member_limit BIGINT,
    valid_from BIGINT,
    valid_until BIGINT,
    voucher_days BIGINT NOT NULL CHECK (voucher_days > 0),
    min_tier_id TEXT REFERENCES tiers (id),
    image_url TEXT,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rewards_brand_idx ON rewards (brand_id, active);

CREATE TABLE vouchers (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    reward_id TEXT NOT NULL REFERENCES rewards (id),
    code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('issued', 'used', 'expired', 'cancelled')),
    source_kind TEXT NOT NULL,
    source_key TEXT NOT NULL,
    entry_id TEXT REFERENCES points_entries (id),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    used_by TEXT,
    CONSTRAINT vouchers_code_key UNIQUE (code),
    CONSTRAINT vouchers_source_key UNIQUE (brand_id, source_key)
);
CREATE INDEX vouchers_profile_idx ON vouchers (profile_id, issued_at);
CREATE INDEX vouchers_reward_profile_idx ON vouchers (reward_id, profile_id);
CREATE INDEX vouchers_due_idx ON vouchers (status, expires_at);
