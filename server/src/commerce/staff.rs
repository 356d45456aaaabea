//! The store's side of an order, in the staff view: the paid orders to prepare at the staff member's store,
//! oldest paid first, each marked ready (the member's order screen says so) and then picked up (`fulfilled`).
//! Staff act only at their own stores; each step is an event on the member's timeline.

use app::api::{AdminOrder, AtStore, ErrorBody, ErrorCode, Order, StaffOrders};
use axum::{extract::State, http::StatusCode};
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::orders::{self, ORDER_COLUMNS, OrderRow};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::{extract::StaffAuth, tokens::Claims},
    brands::Brand,
    error::{Error, Json, Result},
    events::{self, NewEvent},
    stores,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(to_prepare))
        .routes(routes!(ready))
        .routes(routes!(picked_up))
}

/// The store's paid orders not picked up yet.
#[utoipa::path(
    get,
    path = "/api/v1/staff/orders",
    tag = "staff",
    security(("bearer" = [])),
    params(AtStore),
    responses(
        (status = 200, body = StaffOrders),
        (status = 403, description = "`store_not_yours`", body = ErrorBody),
        (status = 422, description = "`store_required`", body = ErrorBody),
    )
)]
async fn to_prepare(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Query(at): Query<AtStore>,
) -> Result<Json<StaffOrders>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let Some(store) = stores::acting_store(&mut conn, &claims, at.store_id.as_deref()).await? else {
        return Ok(Json(StaffOrders { items: Vec::new() }));
    };
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE brand_id = $1 AND store_id = $2 \
         AND status IN ('paid', 'partly_refunded') AND fulfilled_at IS NULL ORDER BY paid_at, id LIMIT 100"
    ))
    .bind(&claims.brand)
    .bind(&store)
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let name: Option<(Option<String>,)> = sqlx::query_as("SELECT display_name FROM profiles WHERE id = $1")
            .bind(&row.profile_id)
            .fetch_optional(&mut *conn)
            .await?;
        let profile_id = row.profile_id.clone();
        items.push(AdminOrder {
            order: orders::to_api(&mut conn, &state, &brand, row).await?,
            profile_id,
            member_name: name.and_then(|n| n.0),
            store_name: None,
            failure: None,
        });
    }
    Ok(Json(StaffOrders { items }))
}

/// The order, checked to be paid and at one of the staff member's stores.
async fn at_my_store(state: &AppState, claims: &Claims, id: &str) -> Result<OrderRow> {
    let mut conn = state.db.read().acquire().await?;
    let order = orders::find(&mut conn, &claims.brand, id)
        .await?
        .ok_or_else(orders::unknown_order)?;
    match order.store_id.as_deref() {
        Some(store) => {
            stores::acting_store(&mut conn, claims, Some(store)).await?;
        }
        None => {
            return Err(Error::forbidden(
                ErrorCode::StoreNotYours,
                "This order is not for pick-up at a store.",
            ));
        }
    }
    if order.fulfilled_at.is_some() {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::OrderPickedUp,
            "This order was picked up already.",
        ));
    }
    if !matches!(order.status.as_str(), "paid" | "partly_refunded") {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::OrderNotPaid,
            "This order is not paid.",
        ));
    }
    Ok(order)
}

async fn answer(state: &AppState, claims: &Claims, id: &str) -> Result<Json<Order>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let row = orders::find(&mut conn, &claims.brand, id)
        .await?
        .ok_or_else(orders::unknown_order)?;
    Ok(Json(orders::to_api(&mut conn, state, &brand, row).await?))
}

async fn step(state: &AppState, claims: &Claims, order: &OrderRow, sql: &str, event_type: &str) -> Result<()> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let moved = sqlx::query(sql)
        .bind(now)
        .bind(&claims.sub)
        .bind(&order.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if moved == 1 {
        let properties = json!({ "order_id": order.id, "store_id": order.store_id, "staff": claims.sub });
        events::record(
            &mut tx,
            &order.brand_id,
            &NewEvent {
                profile_id: &order.profile_id,
                event_type,
                occurred_at: now,
                source: "server",
                properties: &properties,
                campaign: &events::Campaign::default(),
                idempotency_key: Some(&format!("{event_type}:{}", order.id)),
            },
        )
        .await?;
    }
    tx.commit().await?;
    if moved == 1 {
        tracing::info!(order = %order.id, staff = %claims.sub, step = event_type, "order step");
    }
    Ok(())
}

/// Marks the order ready at the counter (again is a no-op).
#[utoipa::path(
    post,
    path = "/api/v1/staff/orders/{id}/ready",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = Order),
        (status = 403, description = "`store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_order`", body = ErrorBody),
        (status = 409, description = "`order_not_paid`, `order_picked_up`", body = ErrorBody),
    )
)]
async fn ready(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    let order = at_my_store(&state, &claims, &id).await?;
    step(
        &state,
        &claims,
        &order,
        "UPDATE orders SET ready_at = $1, updated_at = $1, fulfilled_by = $2 WHERE id = $3 AND ready_at IS NULL \
         AND fulfilled_at IS NULL AND status IN ('paid', 'partly_refunded')",
        "order_ready",
    )
    .await?;
    answer(&state, &claims, &id).await
}

/// Marks the order picked up by the member: it is fulfilled (again is refused: it was picked up).
#[utoipa::path(
    post,
    path = "/api/v1/staff/orders/{id}/picked-up",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = Order),
        (status = 403, description = "`store_not_yours`", body = ErrorBody),
        (status = 404, description = "`unknown_order`", body = ErrorBody),
        (status = 409, description = "`order_not_paid`, `order_picked_up`", body = ErrorBody),
    )
)]
async fn picked_up(
    State(state): State<AppState>,
    StaffAuth(claims): StaffAuth,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    let order = at_my_store(&state, &claims, &id).await?;
    step(
        &state,
        &claims,
        &order,
        "UPDATE orders SET fulfilled_at = $1, updated_at = $1, fulfilled_by = $2, ready_at = COALESCE(ready_at, $1), \
         status = CASE WHEN status = 'paid' THEN 'fulfilled' ELSE status END \
         WHERE id = $3 AND fulfilled_at IS NULL AND status IN ('paid', 'partly_refunded')",
        "order_picked_up",
    )
    .await?;
    answer(&state, &claims, &id).await
}
