-- What took money off an order: a discount voucher from the member's wallet (used by the order, handed back if
-- it fails or is refunded in full) and points spent as payment (a ledger debit, reversed the same way).
ALTER TABLE orders ADD COLUMN voucher_id TEXT;
ALTER TABLE orders ADD COLUMN voucher_discount_vnd BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN points_spent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN points_vnd BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN points_entry_id TEXT;
