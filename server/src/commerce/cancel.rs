//! A member cancels an order still awaiting payment: it is `cancelled`, its voucher and points go back, and
//! `order_cancelled` is on the timeline. A payment that arrives for it anyway still pays it (the member paid).

use app::api::{ErrorBody, ErrorCode, Order};
use axum::{extract::State, http::StatusCode};
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{discounts, orders};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    brands::Brand,
    error::{Error, Json, Result},
    events::{self, NewEvent},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cancel))
}

fn not_cancellable() -> Error {
    Error::new(
        StatusCode::CONFLICT,
        ErrorCode::OrderNotCancellable,
        "Only an order awaiting payment can be cancelled.",
    )
}

/// Cancels one of the member's orders while it awaits payment.
#[utoipa::path(
    post,
    path = "/api/v1/me/orders/{id}/cancel",
    tag = "member",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = Order),
        (status = 404, description = "`unknown_order`", body = ErrorBody),
        (status = 409, description = "`order_not_cancellable`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(order = %id))]
async fn cancel(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let order = orders::own(&mut conn, &claims.brand, &claims.sub, &id).await?;
    drop(conn);
    if order.status != "awaiting_payment" {
        return Err(not_cancellable());
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let moved = sqlx::query(
        "UPDATE orders SET status = 'cancelled', updated_at = $1 WHERE id = $2 AND status = 'awaiting_payment'",
    )
    .bind(now)
    .bind(&id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(not_cancellable());
    }
    discounts::give_back(&mut tx, &claims.brand, &id, "order_cancelled", now).await?;
    let properties = json!({ "order_id": id, "total_vnd": order.total_vnd });
    events::record(
        &mut tx,
        &claims.brand,
        &NewEvent {
            profile_id: &order.profile_id,
            event_type: "order_cancelled",
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &events::Campaign::default(),
            idempotency_key: Some(&format!("order_cancelled:{id}")),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!("order cancelled by the member");
    let mut conn = state.db.read().acquire().await?;
    let row = orders::own(&mut conn, &claims.brand, &claims.sub, &id).await?;
    Ok(Json(orders::to_api(&mut conn, &state, &brand, row).await?))
}
