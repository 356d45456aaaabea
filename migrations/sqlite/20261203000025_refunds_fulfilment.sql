-- Refunds (all or part of a paid order, each with its reason and the service's answer) and the store's side of an
-- order (ready, picked up). `refund_held_vnd` is what refunds done or in progress hold of the total, so two refunds
-- at once can never give back more than was paid; `refunded_vnd` is what went back.
ALTER TABLE orders ADD COLUMN refunded_vnd INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN refund_held_vnd INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN ready_at INTEGER;
ALTER TABLE orders ADD COLUMN fulfilled_at INTEGER;
ALTER TABLE orders ADD COLUMN fulfilled_by TEXT;
CREATE INDEX orders_store_idx ON orders (store_id, status, paid_at);

CREATE TABLE order_refunds (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'processing', 'done', 'failed')),
    provider_refund_id TEXT,
    failure TEXT,
    points_reversed INTEGER NOT NULL DEFAULT 0,
    actor TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (order_id, idempotency_key)
);
CREATE INDEX order_refunds_order_idx ON order_refunds (order_id, created_at);
