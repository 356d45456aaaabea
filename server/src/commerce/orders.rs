//! A member's orders: placed with the lines priced on the server, recorded as `order_placed`, and answered with
//! what the mini app hands the super-app to pay: Zalo Checkout's `createOrder` arguments with our `mac`, or MoMo's
//! payment page, asked for after the order is committed (no network call inside a transaction).

use app::api::{
    ErrorBody, ErrorCode, FieldProblem, MomoCheckout, MyOrders, Order, OrderLine, OrderStatus, Payment, PlaceOrder,
    Provider, ZaloOrderCreated,
};
use axum::{extract::State, http::StatusCode};
use secrecy::ExposeSecret;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    checkout,
    discounts::Wanted,
    payments,
    place::{NewOrder, Placed, write_order},
};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    brands::{Brand, BrandSecret},
    db::{new_id, rfc3339},
    error::{Error, Json, Result},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place, mine))
        .routes(routes!(one))
        .routes(routes!(zalo_order))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct OrderRow {
    pub id: String,
    pub brand_id: String,
    pub profile_id: String,
    pub store_id: Option<String>,
    pub status: String,
    pub provider: String,
    pub subtotal_vnd: i64,
    pub total_vnd: i64,
    pub note: String,
    pub pay_url: Option<String>,
    pub provider_trans_id: Option<String>,
    pub refunded_vnd: i64,
    pub voucher_discount_vnd: i64,
    pub points_spent: i64,
    pub points_vnd: i64,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub ready_at: Option<i64>,
    pub fulfilled_at: Option<i64>,
}

pub(super) const ORDER_COLUMNS: &str = "id, brand_id, profile_id, store_id, status, provider, subtotal_vnd, \
     total_vnd, note, pay_url, provider_trans_id, refunded_vnd, voucher_discount_vnd, points_spent, points_vnd, created_at, \
     paid_at, ready_at, fulfilled_at";

/// One of the brand's orders.
pub(super) async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<OrderRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub(super) fn unknown_order() -> Error {
    Error::not_found(ErrorCode::UnknownOrder, "There is no such order.")
}

fn provider_of(name: &str) -> Provider {
    if name == "momo" { Provider::Momo } else { Provider::Zalo }
}

async fn lines_of(conn: &mut AnyConnection, order_id: &str) -> Result<Vec<OrderLine>> {
    let rows: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT product_id, name, choices, unit_price_vnd, quantity, line_total_vnd FROM order_items \
         WHERE order_id = $1 ORDER BY line",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(product_id, name, choices, unit, quantity, total)| OrderLine {
            product_id,
            name,
            choices: serde_json::from_str(&choices).unwrap_or_default(),
            unit_price_vnd: unit,
            quantity,
            line_total_vnd: total,
        })
        .collect())
}

/// An order as it is kept: its lines and what it earned, without a way to pay (an export, the staff view).
pub(super) async fn as_record(conn: &mut AnyConnection, row: OrderRow) -> Result<Order> {
    let lines = lines_of(conn, &row.id).await?;
    let status = OrderStatus::parse(&row.status).unwrap_or(OrderStatus::Failed);
    let points_earned = payments::points_earned(conn, &row.brand_id, &row.id).await?;
    Ok(Order {
        id: row.id,
        status,
        provider: provider_of(&row.provider),
        store_id: row.store_id,
        lines,
        subtotal_vnd: row.subtotal_vnd,
        voucher_discount_vnd: row.voucher_discount_vnd,
        points_spent: row.points_spent,
        points_vnd: row.points_vnd,
        total_vnd: row.total_vnd,
        note: row.note,
        created_at: rfc3339(row.created_at),
        paid_at: row.paid_at.map(rfc3339),
        points_earned,
        refunded_vnd: row.refunded_vnd,
        ready_at: row.ready_at.map(rfc3339),
        fulfilled_at: row.fulfilled_at.map(rfc3339),
        payment: None,
    })
}

/// An order as the API shows it; the way to pay while it awaits payment.
pub(super) async fn to_api(conn: &mut AnyConnection, state: &AppState, brand: &Brand, row: OrderRow) -> Result<Order> {
    let mut order = as_record(conn, row.clone()).await?;
    order.payment = match (order.status, order.provider) {
        (OrderStatus::AwaitingPayment, Provider::Zalo) => brand
            .secret(&state.sealer, BrandSecret::ZaloCheckoutPrivateKey)?
            .map(|key| {
                Payment::Zalo(checkout::zalo_checkout(
                    key.expose_secret(),
                    &brand.name,
                    &row,
                    &order.lines,
                ))
            }),
        (OrderStatus::AwaitingPayment, Provider::Momo) => row.pay_url.clone().map(|pay_url| {
            Payment::Momo(MomoCheckout {
                pay_url,
                deeplink: None,
            })
        }),
        _ => None,
    };
    Ok(order)
}

/// A member's orders for their data export, newest first (at most 1,000).
pub(super) async fn of_member(conn: &mut AnyConnection, brand_id: &str, profile_id: &str) -> Result<Vec<Order>> {
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE brand_id = $1 AND profile_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT 1000"
    ))
    .bind(brand_id)
    .bind(profile_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        orders.push(as_record(conn, row).await?);
    }
    Ok(orders)
}

pub(super) fn invalid(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidOrder, message).at(pointer, problem)
}

/// Places an order and answers with how to pay it. The same idempotency key answers with the same order.
#[utoipa::path(
    post,
    path = "/api/v1/me/orders",
    tag = "member",
    security(("bearer" = [])),
    request_body = PlaceOrder,
    responses(
        (status = 201, body = Order),
        (status = 200, description = "The order this key placed before", body = Order),
        (status = 404, description = "`unknown_product`, `unknown_store`", body = ErrorBody),
        (status = 409, description = "`product_sold_out`", body = ErrorBody),
        (status = 422, description = "`invalid_order`, `invalid_choice`, `store_required`, `payment_not_configured`", body = ErrorBody),
        (status = 502, description = "`payment_refused`", body = ErrorBody),
        (status = 503, description = "`superapp_unavailable`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(member = %claims.sub))]
async fn place(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Json(body): Json<PlaceOrder>,
) -> Result<(StatusCode, Json<Order>)> {
    let key = body.idempotency_key.trim().to_owned();
    if !(1..=100).contains(&key.chars().count()) {
        return Err(invalid(
            "/idempotency_key",
            FieldProblem::Length { min: 1, max: 100 },
            "An order needs an idempotency key of 1 to 100 characters.",
        ));
    }
    let note = body.note.trim().to_owned();
    if note.chars().count() > 200 || note.chars().any(char::is_control) {
        return Err(invalid(
            "/note",
            FieldProblem::Length { min: 0, max: 200 },
            "A note has at most 200 characters, on one line.",
        ));
    }
    if !(1..=30).contains(&body.items.len()) {
        return Err(invalid(
            "/items",
            FieldProblem::Count { min: 1, max: 30 },
            "An order has 1 to 30 lines.",
        ));
    }
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(unknown_order)?;
    let configured = match body.provider {
        Provider::Zalo => brand.has_secret(BrandSecret::ZaloCheckoutPrivateKey),
        Provider::Momo => {
            brand.momo_partner_code.is_some()
                && brand.has_secret(BrandSecret::MomoAccessKey)
                && brand.has_secret(BrandSecret::MomoSecretKey)
        }
    };
    if !configured {
        return Err(Error::unprocessable(
            ErrorCode::PaymentNotConfigured,
            "The brand has not enabled payments through this app.",
        )
        .at("/provider", FieldProblem::NotAllowed));
    }
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    let now = state.clock.now_ms();

    let order = NewOrder {
        id: new_id(),
        brand_id: claims.brand.clone(),
        profile,
        key,
        store_id: body.store_id.clone(),
        items: body.items.clone(),
        note,
        provider: body.provider,
        wanted: Wanted {
            voucher_id: body.voucher_id.clone(),
            points: body.points.unwrap_or(0),
        },
        now,
    };
    let id = order.id.clone();
    // On the writer thread on SQLite: orders placed together share a commit.
    let placed = state
        .db
        .transact(move |conn| Box::pin(async move { write_order(conn, &order).await }))
        .await?;
    let subtotal = match placed {
        Placed::Before(row) => {
            let mut conn = state.db.read().acquire().await?;
            return Ok((StatusCode::OK, Json(to_api(&mut conn, &state, &brand, *row).await?)));
        }
        Placed::New(subtotal) => subtotal,
    };
    metrics::counter!("cham_orders_placed_total").increment(1);
    tracing::info!(order = %id, total = subtotal, "order placed");

    if body.provider == Provider::Momo {
        checkout::start_momo(&state, &brand, &id, subtotal).await?;
    }
    let mut conn = state.db.read().acquire().await?;
    let row = find(&mut conn, &claims.brand, &id).await?.ok_or_else(unknown_order)?;
    Ok((StatusCode::CREATED, Json(to_api(&mut conn, &state, &brand, row).await?)))
}

/// The member's orders, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/orders",
    tag = "member",
    security(("bearer" = [])),
    responses((status = 200, body = MyOrders))
)]
async fn mine(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<MyOrders>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE brand_id = $1 AND profile_id = $2 ORDER BY created_at DESC, id DESC LIMIT 50"
    ))
    .bind(&claims.brand)
    .bind(&claims.sub)
    .fetch_all(&mut *conn)
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        orders.push(to_api(&mut conn, &state, &brand, row).await?);
    }
    Ok(Json(MyOrders { orders }))
}

pub(super) async fn own(conn: &mut AnyConnection, brand_id: &str, member: &str, id: &str) -> Result<OrderRow> {
    find(conn, brand_id, id)
        .await?
        .filter(|o| o.profile_id == member)
        .ok_or_else(unknown_order)
}

/// One of the member's orders, followed while it is paid.
#[utoipa::path(
    get,
    path = "/api/v1/me/orders/{id}",
    tag = "member",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, body = Order), (status = 404, description = "`unknown_order`", body = ErrorBody))
)]
async fn one(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let row = own(&mut conn, &claims.brand, &claims.sub, &id).await?;
    Ok(Json(to_api(&mut conn, &state, &brand, row).await?))
}

/// Keeps the Checkout SDK's own order id beside ours, so the order's status can be asked of Zalo later.
#[utoipa::path(
    post,
    path = "/api/v1/me/orders/{id}/zalo-order",
    tag = "member",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = ZaloOrderCreated,
    responses(
        (status = 200, body = Order),
        (status = 404, description = "`unknown_order`", body = ErrorBody),
        (status = 422, description = "`invalid_order`", body = ErrorBody),
    )
)]
async fn zalo_order(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Path(id): Path<String>,
    Json(body): Json<ZaloOrderCreated>,
) -> Result<Json<Order>> {
    let zalo_id = body.zalo_order_id.trim().to_owned();
    if !(1..=100).contains(&zalo_id.len()) {
        return Err(invalid(
            "/zalo_order_id",
            FieldProblem::Length { min: 1, max: 100 },
            "Zalo's order id has 1 to 100 characters.",
        ));
    }
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let row = own(&mut conn, &claims.brand, &claims.sub, &id).await?;
    if row.provider != "zalo" {
        return Err(invalid(
            "/zalo_order_id",
            FieldProblem::NotAllowed,
            "This order is not paid through Zalo.",
        ));
    }
    drop(conn);
    sqlx::query("UPDATE orders SET provider_order_id = $1 WHERE id = $2 AND provider_order_id IS NULL")
        .bind(&zalo_id)
        .bind(&id)
        .execute(state.db.write())
        .await?;
    let mut conn = state.db.read().acquire().await?;
    let row = own(&mut conn, &claims.brand, &claims.sub, &id).await?;
    Ok(Json(to_api(&mut conn, &state, &brand, row).await?))
}
