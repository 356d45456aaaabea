-- Batches of one-time codes printed on products, each earning its batch's points once.
CREATE TABLE product_code_batches (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    points BIGINT NOT NULL,
    count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX product_code_batches_brand_idx ON product_code_batches (brand_id, created_at);

CREATE TABLE product_codes (
    code TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    batch_id TEXT NOT NULL REFERENCES product_code_batches (id),
    spent_at BIGINT,
    spent_by TEXT,
    refused_scans BIGINT NOT NULL DEFAULT 0,
    last_refused_at BIGINT,
    last_refused_by TEXT
);
CREATE INDEX product_codes_batch_idx ON product_codes (batch_id, spent_at);
