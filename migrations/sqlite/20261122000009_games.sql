-- Mini-games: a lucky wheel or a scratch card over one server-side draw. Prize shares are basis points of
-- 10,000 (100% = 10000); what the prizes leave is "no prize".
CREATE TABLE games (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wheel', 'scratch')),
    plays_per_day INTEGER NOT NULL CHECK (plays_per_day >= 0),
    extra_play_events TEXT NOT NULL DEFAULT '[]',
    fallback_prize_id TEXT,
    starts_at INTEGER,
    ends_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX games_brand_idx ON games (brand_id, active);

CREATE TABLE game_prizes (
    id TEXT PRIMARY KEY,
    game_id TEXT NOT NULL REFERENCES games (id),
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('points', 'voucher', 'gift', 'nothing')),
    points INTEGER,
    reward_id TEXT REFERENCES rewards (id),
    share_bp INTEGER NOT NULL CHECK (share_bp >= 0 AND share_bp <= 10000),
    budget_total INTEGER CHECK (budget_total >= 0),
    budget_daily INTEGER CHECK (budget_daily >= 0),
    given INTEGER NOT NULL DEFAULT 0 CHECK (given >= 0),
    CHECK (budget_total IS NULL OR given <= budget_total)
);
CREATE INDEX game_prizes_game_idx ON game_prizes (game_id, position);

-- Prizes given per business day, for daily budgets.
CREATE TABLE game_prize_days (
    prize_id TEXT NOT NULL REFERENCES game_prizes (id),
    day INTEGER NOT NULL,
    given INTEGER NOT NULL CHECK (given >= 0),
    PRIMARY KEY (prize_id, day)
);

CREATE TABLE game_plays (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    game_id TEXT NOT NULL REFERENCES games (id),
    profile_id TEXT NOT NULL REFERENCES profiles (id),
    idempotency_key TEXT NOT NULL,
    day INTEGER NOT NULL,
    drawn_prize_id TEXT,
    prize_id TEXT,
    prize_kind TEXT NOT NULL,
    points INTEGER,
    voucher_id TEXT,
    gift_code TEXT UNIQUE,
    gift_claimed_at INTEGER,
    created_at INTEGER NOT NULL,
    CONSTRAINT game_plays_key UNIQUE (game_id, profile_id, idempotency_key)
);
CREATE INDEX game_plays_member_day_idx ON game_plays (profile_id, game_id, day);
CREATE INDEX game_plays_game_idx ON game_plays (game_id, created_at);
