-- A member QR code is accepted once per action (a visit recorded with it cannot be recorded again with it).
CREATE TABLE qr_uses (
    code_hash TEXT NOT NULL,
    action TEXT NOT NULL,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    used_at BIGINT NOT NULL,
    PRIMARY KEY (code_hash, action)
);
CREATE INDEX qr_uses_used_idx ON qr_uses (used_at);
