-- Stores, the staff tied to them, and where a voucher was used or a gift handed over.
CREATE TABLE stores (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    hours TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT stores_brand_name_key UNIQUE (brand_id, name)
);

CREATE TABLE staff_stores (
    user_id TEXT NOT NULL REFERENCES users (id),
    store_id TEXT NOT NULL REFERENCES stores (id),
    brand_id TEXT NOT NULL REFERENCES brands (id),
    PRIMARY KEY (user_id, store_id)
);
CREATE INDEX staff_stores_store_idx ON staff_stores (store_id);

ALTER TABLE vouchers ADD COLUMN used_store_id TEXT REFERENCES stores (id);
ALTER TABLE game_plays ADD COLUMN gift_claimed_store_id TEXT REFERENCES stores (id);
