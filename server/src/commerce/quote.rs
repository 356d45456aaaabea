//! What an order would cost before it is placed: priced from the menu with its voucher and points taken off by
//! the same code that places it ([`place::price`]), on a reader, writing nothing.

use app::api::{ErrorBody, FieldProblem, OrderQuote, PlaceOrder};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    discounts::Wanted,
    orders::invalid,
    place::{self, NewOrder},
};
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    error::{Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(quote))
}

/// What an order would cost: priced from the menu with its voucher and points taken off, as placing it would,
/// writing nothing.
#[utoipa::path(
    post,
    path = "/api/v1/me/orders/quote",
    tag = "member",
    security(("bearer" = [])),
    request_body = PlaceOrder,
    responses(
        (status = 200, body = OrderQuote),
        (status = 404, description = "`unknown_product`, `unknown_store`, `unknown_voucher`", body = ErrorBody),
        (status = 409, description = "`product_sold_out`, `voucher_used`, `voucher_expired`, `insufficient_points`", body = ErrorBody),
        (status = 422, description = "`invalid_order`, `invalid_choice`, `store_required`, `voucher_not_for_orders`, `points_not_accepted`, `too_many_points`", body = ErrorBody),
    )
)]
async fn quote(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<PlaceOrder>,
) -> Result<Json<OrderQuote>> {
    if !(1..=30).contains(&body.items.len()) {
        return Err(invalid(
            "/items",
            FieldProblem::Count { min: 1, max: 30 },
            "An order has 1 to 30 lines.",
        ));
    }
    let order = NewOrder {
        id: String::new(),
        brand_id: claims.brand.clone(),
        profile: claims.sub.clone(),
        key: String::new(),
        store_id: body.store_id.clone(),
        items: body.items.clone(),
        note: String::new(),
        provider: body.provider,
        wanted: Wanted {
            voucher_id: body.voucher_id.clone(),
            points: body.points.unwrap_or(0),
        },
        now: state.clock.now_ms(),
    };
    let mut conn = state.db.read().acquire().await?;
    let priced = place::price(&mut conn, &order).await?;
    let d = priced.discount;
    Ok(Json(OrderQuote {
        subtotal_vnd: priced.subtotal,
        voucher_discount_vnd: d.voucher_vnd,
        points: d.points,
        points_vnd: d.points_vnd,
        total_vnd: d.total_vnd,
        point_value_vnd: d.point_value_vnd,
        max_points: d.max_points,
    }))
}
