//! Writing an order: the same idempotency key answers with the order it placed; otherwise the pick-up store is
//! checked, each line priced from the menu (a product off the menu or sold out at the store refused with its
//! line's pointer), and the order, its lines, `order_placed` and the job that settles it if no notice does are
//! written in one transaction.

use app::api::{ErrorCode, FieldProblem, OrderLineRequest, Provider};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::AnyConnection;

use super::{
    catalog,
    discounts::{self, Discount, Wanted},
    orders::{ORDER_COLUMNS, OrderRow, invalid},
    pricing,
};
use crate::{
    error::{Error, Result},
    events::{self, NewEvent},
};

/// The pick-up store: required once the brand has an open store, and it must be one of them.
async fn pick_up_store(conn: &mut AnyConnection, brand_id: &str, store_id: Option<&str>) -> Result<Option<String>> {
    match store_id.filter(|s| !s.is_empty()) {
        Some(id) => {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT id FROM stores WHERE id = $1 AND brand_id = $2 AND active = 1")
                    .bind(id)
                    .bind(brand_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            found.map(|r| Some(r.0)).ok_or_else(|| {
                Error::not_found(ErrorCode::UnknownStore, "This store does not exist.")
                    .at("/store_id", FieldProblem::Unknown)
            })
        }
        None => {
            let (open,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stores WHERE brand_id = $1 AND active = 1")
                .bind(brand_id)
                .fetch_one(&mut *conn)
                .await?;
            if open > 0 {
                return Err(
                    Error::unprocessable(ErrorCode::StoreRequired, "Choose a store to pick the order up at.")
                        .at("/store_id", FieldProblem::Unknown),
                );
            }
            Ok(None)
        }
    }
}

/// An order to write, priced from the menu inside the write.
pub(super) struct NewOrder {
    pub id: String,
    pub brand_id: String,
    pub profile: String,
    pub key: String,
    pub store_id: Option<String>,
    pub items: Vec<OrderLineRequest>,
    pub note: String,
    pub provider: Provider,
    pub wanted: Wanted,
    pub now: i64,
}

/// An order priced from the menu, its discounts taken off.
pub(super) struct Priced {
    pub store: Option<String>,
    pub lines: Vec<app::api::OrderLine>,
    pub subtotal: i64,
    pub discount: Discount,
}

/// Prices an order from the menu and takes its discounts off, reading only: what placing it would charge.
pub(super) async fn price(conn: &mut AnyConnection, o: &NewOrder) -> Result<Priced> {
    let store = pick_up_store(conn, &o.brand_id, o.store_id.as_deref()).await?;
    let mut lines = Vec::with_capacity(o.items.len());
    for (at, item) in o.items.iter().enumerate() {
        let product = catalog::product(conn, &o.brand_id, &item.product_id)
            .await?
            .filter(|p| p.active == 1)
            .ok_or_else(|| {
                Error::not_found(ErrorCode::UnknownProduct, "This item is no longer on the menu.")
                    .at(format!("/items/{at}/product_id"), FieldProblem::Unknown)
            })?;
        if let Some(store) = store.as_deref()
            && catalog::is_sold_out(conn, &product.id, store).await?
        {
            return Err(Error::new(
                StatusCode::CONFLICT,
                ErrorCode::ProductSoldOut,
                "This item is sold out at the store you chose.",
            )
            .at(format!("/items/{at}/product_id"), FieldProblem::NotAllowed));
        }
        lines.push(pricing::price_line(
            at,
            item,
            &product.name,
            product.price_vnd,
            &product.groups(),
        )?);
    }
    let subtotal = pricing::subtotal(&lines)?;
    let discount = discounts::compute(conn, &o.brand_id, &o.profile, subtotal, &o.wanted, o.now).await?;
    if o.provider == Provider::Momo && discount.total_vnd < pricing::MIN_MOMO_VND {
        return Err(invalid(
            "/items",
            FieldProblem::Range {
                min: pricing::MIN_MOMO_VND,
                max: pricing::MAX_ORDER_VND,
            },
            "MoMo takes payments of 1,000 to 50,000,000 đồng.",
        ));
    }
    Ok(Priced {
        store,
        lines,
        subtotal,
        discount,
    })
}

/// What writing an order did.
pub(super) enum Placed {
    /// The same key placed this order before.
    Before(Box<OrderRow>),
    /// Written, for this much.
    New(i64),
}

/// Prices and writes an order with its lines, `order_placed` and the job that settles it if no notice does.
pub(super) async fn write_order(conn: &mut AnyConnection, o: &NewOrder) -> Result<Placed> {
    let before: Option<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE brand_id = $1 AND profile_id = $2 AND idempotency_key = $3"
    ))
    .bind(&o.brand_id)
    .bind(&o.profile)
    .bind(&o.key)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = before {
        return Ok(Placed::Before(Box::new(row)));
    }
    let Priced {
        store,
        lines,
        subtotal,
        discount,
    } = price(conn, o).await?;
    let id = &o.id;
    sqlx::query(
        "INSERT INTO orders (id, brand_id, profile_id, store_id, status, provider, subtotal_vnd, total_vnd, note, \
         idempotency_key, created_at, updated_at, voucher_id, voucher_discount_vnd, points_spent, points_vnd) \
         VALUES ($1, $2, $3, $4, 'awaiting_payment', $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14)",
    )
    .bind(id)
    .bind(&o.brand_id)
    .bind(&o.profile)
    .bind(&store)
    .bind(o.provider.as_str())
    .bind(subtotal)
    .bind(discount.total_vnd)
    .bind(&o.note)
    .bind(&o.key)
    .bind(o.now)
    .bind(&discount.voucher_id)
    .bind(discount.voucher_vnd)
    .bind(discount.points)
    .bind(discount.points_vnd)
    .execute(&mut *conn)
    .await?;
    if let Some(entry) = discounts::take(conn, &o.brand_id, &o.profile, id, &discount, o.now).await? {
        sqlx::query("UPDATE orders SET points_entry_id = $1 WHERE id = $2")
            .bind(entry)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    for (n, line) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_items (order_id, line, product_id, name, choices, unit_price_vnd, quantity, \
             line_total_vnd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(i64::try_from(n).unwrap_or(0))
        .bind(&line.product_id)
        .bind(&line.name)
        .bind(serde_json::to_string(&line.choices).unwrap_or_else(|_| "[]".into()))
        .bind(line.unit_price_vnd)
        .bind(line.quantity)
        .bind(line.line_total_vnd)
        .execute(&mut *conn)
        .await?;
    }
    let properties = json!({
        "order_id": id,
        "subtotal_vnd": subtotal,
        "total_vnd": discount.total_vnd,
        "voucher_id": discount.voucher_id,
        "points_spent": discount.points,
        "store_id": store,
        "provider": o.provider.as_str(),
        "lines": lines.len(),
    });
    events::record(
        conn,
        &o.brand_id,
        &NewEvent {
            profile_id: &o.profile,
            event_type: "order_placed",
            occurred_at: o.now,
            source: "server",
            properties: &properties,
            campaign: &events::Campaign::default(),
            idempotency_key: Some(&format!("order_placed:{id}")),
        },
    )
    .await?;
    super::settle::enqueue(conn, &o.brand_id, id, o.now).await?;
    Ok(Placed::New(discount.total_vnd))
}
