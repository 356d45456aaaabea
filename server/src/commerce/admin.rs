//! The console's orders: the brand's orders newest first, filtered by status and paged, and one order with its
//! payment trail (every create, notice and query as received).

use app::api::{AdminOrder, AdminOrderDetail, ErrorBody, ErrorCode, OrdersPage, OrdersQuery, PaymentTrailEntry};
use axum::extract::State;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::orders::{self, ORDER_COLUMNS, OrderRow};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    brands::Brand,
    db::rfc3339,
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one))
}

fn parse_cursor(cursor: &str) -> Option<(i64, &str)> {
    let (at, id) = cursor.split_once('_')?;
    let at = at.parse().ok()?;
    (!id.is_empty() && id.len() <= 64).then_some((at, id))
}

async fn summary(conn: &mut AnyConnection, state: &AppState, brand: &Brand, row: OrderRow) -> Result<AdminOrder> {
    let extra: (Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT p.display_name, s.name, o.failure FROM orders o LEFT JOIN profiles p ON p.id = o.profile_id \
         LEFT JOIN stores s ON s.id = o.store_id WHERE o.id = $1",
    )
    .bind(&row.id)
    .fetch_one(&mut *conn)
    .await?;
    let profile_id = row.profile_id.clone();
    Ok(AdminOrder {
        order: orders::to_api(conn, state, brand, row).await?,
        profile_id,
        member_name: extra.0,
        store_name: extra.1,
        failure: extra.2,
    })
}

/// The brand's orders, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/admin/orders",
    tag = "admin",
    security(("bearer" = [])),
    params(OrdersQuery),
    responses(
        (status = 200, body = OrdersPage),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_status`, `invalid_cursor`, `invalid_limit`", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<OrdersQuery>,
) -> Result<Json<OrdersPage>> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match app::api::OrderStatus::parse(s) {
            Some(status) => Some(status.as_str().to_owned()),
            None => {
                return Err(Error::unprocessable(
                    ErrorCode::InvalidStatus,
                    "status must be awaiting_payment, paid, fulfilled, partly_refunded, refunded or failed.",
                ));
            }
        },
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidLimit,
            "limit must be between 1 and 200.",
        ));
    }
    let (before_at, before_id) = match q.cursor.as_deref() {
        None => (i64::MAX, String::new()),
        Some(c) => {
            let (at, id) = parse_cursor(c)
                .ok_or_else(|| Error::unprocessable(ErrorCode::InvalidCursor, "The cursor is not valid."))?;
            (at, id.to_owned())
        }
    };
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE brand_id = $1 AND ($2 = '' OR status = $2) \
         AND (created_at < $3 OR (created_at = $3 AND id < $4) OR $4 = '') AND created_at <= $3 \
         ORDER BY created_at DESC, id DESC LIMIT $5"
    ))
    .bind(&claims.brand)
    .bind(status.clone().unwrap_or_default())
    .bind(before_at)
    .bind(&before_id)
    .bind(limit + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<OrderRow> = rows.into_iter().take(usize::try_from(limit).unwrap_or(50)).collect();
    let next_cursor = more
        .then(|| rows.last().map(|r| format!("{}_{}", r.created_at, r.id)))
        .flatten();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(summary(&mut conn, &state, &brand, row).await?);
    }
    Ok(Json(OrdersPage {
        orders: out,
        next_cursor,
    }))
}

/// One order with its payment trail.
#[utoipa::path(
    get,
    path = "/api/v1/admin/orders/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, body = AdminOrderDetail), (status = 404, description = "`unknown_order`", body = ErrorBody))
)]
async fn one(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
) -> Result<Json<AdminOrderDetail>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let row = orders::find(&mut conn, &claims.brand, &id)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let trail: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT kind, provider, outcome, received_at, body FROM payment_events \
         WHERE order_id = $1 AND brand_id = $2 ORDER BY received_at, id",
    )
    .bind(&id)
    .bind(&claims.brand)
    .fetch_all(&mut *conn)
    .await?;
    let refunds = super::refunds::of_order(&mut conn, &id).await?;
    Ok(Json(AdminOrderDetail {
        refunds,
        summary: summary(&mut conn, &state, &brand, row).await?,
        trail: trail
            .into_iter()
            .map(|(kind, provider, outcome, at, body)| PaymentTrailEntry {
                kind,
                provider,
                outcome,
                received_at: rfc3339(at),
                body,
            })
            .collect(),
    }))
}
