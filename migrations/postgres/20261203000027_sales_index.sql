-- The console's sales read paid orders by brand and the time they were paid.
CREATE INDEX orders_paid_idx ON orders (brand_id, paid_at);
