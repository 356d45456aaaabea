//! The console's sales: paid orders over a period, by the Vietnamese day they were paid, by pick-up store and by
//! product, optionally for one store. Revenue is what members paid less what was refunded; an order refunded in
//! full counts no more. It only reads, grouped by the store (one row a day, a store, a product).

use std::collections::BTreeMap;

use app::api::{ErrorBody, ErrorCode, SalesByProduct, SalesByStore, SalesDay, SalesQuery, SalesReport, SalesTotals};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::extract::AdminAuth,
    dashboard::{DAY_MS, OFFSET_MS, day_label},
    error::{Error, Json, Query, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sales))
}

/// Orders that were paid (refunded ones too: their refund is taken off).
const PAID: &str = "('paid', 'fulfilled', 'partly_refunded', 'refunded')";

/// What was sold over the last `days` days.
#[utoipa::path(
    get,
    path = "/api/v1/admin/sales",
    tag = "admin",
    security(("bearer" = [])),
    params(SalesQuery),
    responses(
        (status = 200, body = SalesReport),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 404, description = "`unknown_store`", body = ErrorBody),
        (status = 422, description = "`invalid_period` (days outside 7–365)", body = ErrorBody),
    )
)]
async fn sales(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<SalesQuery>,
) -> Result<Json<SalesReport>> {
    let days = q.days.unwrap_or(30);
    if !(7..=365).contains(&days) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidPeriod,
            "A period is 7 to 365 days.",
        ));
    }
    let brand = claims.brand.as_str();
    let store = q.store_id.clone().filter(|s| !s.is_empty());
    let mut conn = state.db.read().acquire().await?;
    if let Some(id) = &store {
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM stores WHERE id = $1 AND brand_id = $2")
            .bind(id)
            .bind(brand)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(Error::not_found(ErrorCode::UnknownStore, "This store does not exist."));
        }
    }
    let today = (state.clock.now_ms() + OFFSET_MS) / DAY_MS;
    let first_day = today - (days - 1);
    let from = first_day * DAY_MS - OFFSET_MS;
    let store_filter = "AND ($3 = '' OR o.store_id = $3)";
    let key = store.clone().unwrap_or_default();

    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT CAST((o.paid_at + {OFFSET_MS}) / {DAY_MS} AS BIGINT) AS day, \
         CAST(SUM(CASE WHEN o.status = 'refunded' THEN 0 ELSE 1 END) AS BIGINT), \
         CAST(SUM(o.total_vnd - o.refunded_vnd) AS BIGINT), CAST(SUM(o.refunded_vnd) AS BIGINT) \
         FROM orders o WHERE o.brand_id = $1 AND o.paid_at >= $2 AND o.status IN {PAID} {store_filter} \
         GROUP BY day ORDER BY day"
    ))
    .bind(brand)
    .bind(from)
    .bind(&key)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_day: BTreeMap<i64, SalesDay> = (first_day..=today)
        .map(|d| {
            (
                d,
                SalesDay {
                    day: day_label(d),
                    orders: 0,
                    revenue_vnd: 0,
                },
            )
        })
        .collect();
    let mut totals = SalesTotals::default();
    for (day, orders, revenue, refunded) in rows {
        totals.orders = totals.orders.saturating_add(orders);
        totals.revenue_vnd = totals.revenue_vnd.saturating_add(revenue);
        totals.refunded_vnd = totals.refunded_vnd.saturating_add(refunded);
        if let Some(d) = by_day.get_mut(&day) {
            d.orders = orders;
            d.revenue_vnd = revenue;
        }
    }
    totals.average_vnd = if totals.orders > 0 {
        totals.revenue_vnd / totals.orders
    } else {
        0
    };

    let stores: Vec<(Option<String>, Option<String>, i64, i64)> = sqlx::query_as(&format!(
        "SELECT o.store_id, s.name, CAST(SUM(CASE WHEN o.status = 'refunded' THEN 0 ELSE 1 END) AS BIGINT), \
         CAST(SUM(o.total_vnd - o.refunded_vnd) AS BIGINT) FROM orders o LEFT JOIN stores s ON s.id = o.store_id \
         WHERE o.brand_id = $1 AND o.paid_at >= $2 AND o.status IN {PAID} {store_filter} \
         GROUP BY o.store_id, s.name ORDER BY 4 DESC"
    ))
    .bind(brand)
    .bind(from)
    .bind(&key)
    .fetch_all(&mut *conn)
    .await?;
    let products: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT i.product_id, MAX(i.name), CAST(SUM(i.quantity) AS BIGINT), CAST(SUM(i.line_total_vnd) AS BIGINT) \
         FROM orders o JOIN order_items i ON i.order_id = o.id \
         WHERE o.brand_id = $1 AND o.paid_at >= $2 AND o.status IN ('paid', 'fulfilled', 'partly_refunded') {store_filter} \
         GROUP BY i.product_id ORDER BY 4 DESC, 1 LIMIT 20"
    ))
    .bind(brand)
    .bind(from)
    .bind(&key)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Json(SalesReport {
        days,
        store_id: store,
        totals,
        by_day: by_day.into_values().collect(),
        by_store: stores
            .into_iter()
            .map(|(store_id, name, orders, revenue_vnd)| SalesByStore {
                store_id,
                name,
                orders,
                revenue_vnd,
            })
            .collect(),
        by_product: products
            .into_iter()
            .map(|(product_id, name, quantity, sales_vnd)| SalesByProduct {
                product_id,
                name,
                quantity,
                sales_vnd,
            })
            .collect(),
    }))
}
