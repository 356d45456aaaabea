-- One-tap purchase: the brand's menu, orders priced by the server from it, and the trail of every payment
-- message (created, callback, IPN, query) as received.
CREATE TABLE product_categories (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX product_categories_brand_idx ON product_categories (brand_id, position);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    category_id TEXT REFERENCES product_categories (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    image_url TEXT,
    price_vnd INTEGER NOT NULL CHECK (price_vnd >= 0),
    options TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX products_brand_idx ON products (brand_id, position);

-- Products out of stock at a store.
CREATE TABLE product_sold_out (
    product_id TEXT NOT NULL REFERENCES products (id),
    store_id TEXT NOT NULL REFERENCES stores (id),
    brand_id TEXT NOT NULL REFERENCES brands (id),
    PRIMARY KEY (product_id, store_id)
);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    profile_id TEXT NOT NULL,
    store_id TEXT REFERENCES stores (id),
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    method TEXT,
    subtotal_vnd INTEGER NOT NULL CHECK (subtotal_vnd >= 0),
    total_vnd INTEGER NOT NULL CHECK (total_vnd >= 0),
    note TEXT NOT NULL DEFAULT '',
    provider_order_id TEXT,
    provider_trans_id TEXT,
    pay_url TEXT,
    failure TEXT,
    idempotency_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    paid_at INTEGER,
    UNIQUE (brand_id, profile_id, idempotency_key)
);
CREATE INDEX orders_brand_idx ON orders (brand_id, created_at);
CREATE INDEX orders_profile_idx ON orders (profile_id, created_at);

CREATE TABLE order_items (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line INTEGER NOT NULL,
    product_id TEXT NOT NULL,
    name TEXT NOT NULL,
    choices TEXT NOT NULL DEFAULT '[]',
    unit_price_vnd INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    line_total_vnd INTEGER NOT NULL,
    PRIMARY KEY (order_id, line)
);

CREATE TABLE payment_events (
    id TEXT PRIMARY KEY,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    order_id TEXT,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX payment_events_order_idx ON payment_events (order_id, received_at);
