//! The console's refunds: an admin gives back all or part of a paid order, with a reason. The refund first holds
//! its amount on the order (a guarded update: two refunds at once never give back more than was paid), is
//! recorded, and is then asked of the payment service after the commit (no network call inside a transaction);
//! [`refunding`](super::refunding) settles the answer.

use app::api::{ErrorBody, ErrorCode, FieldProblem, OrderRefund, RefundOrder, RefundStatus};
use axum::{extract::State, http::StatusCode};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    orders,
    refunding::{self, Outcome, REFUND_COLUMNS, RefundRow},
    settle::Payments,
};
use crate::error::Path;
use crate::{
    AppState,
    auth::extract::AdminAuth,
    brands::Brand,
    db::{new_id, rfc3339},
    error::{Error, Json, Result, is_unique_violation},
    superapp::SuperAppError,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(refund))
}

pub(super) fn to_api(row: RefundRow) -> OrderRefund {
    OrderRefund {
        id: row.id,
        amount_vnd: row.amount_vnd,
        reason: row.reason,
        status: RefundStatus::parse(&row.status),
        failure: row.failure,
        points_reversed: row.points_reversed,
        created_at: rfc3339(row.created_at),
    }
}

/// An order's refunds, oldest first.
pub(super) async fn of_order(conn: &mut AnyConnection, order_id: &str) -> Result<Vec<OrderRefund>> {
    let rows: Vec<RefundRow> = sqlx::query_as(&format!(
        "SELECT {REFUND_COLUMNS} FROM order_refunds WHERE order_id = $1 ORDER BY created_at, id"
    ))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(to_api).collect())
}

fn invalid(pointer: &str, problem: FieldProblem, message: &str) -> Error {
    Error::unprocessable(ErrorCode::InvalidRefund, message).at(pointer, problem)
}

fn not_refundable() -> Error {
    Error::new(
        StatusCode::CONFLICT,
        ErrorCode::NotRefundable,
        "This order is not paid, or was refunded in full already.",
    )
}

const REFUNDABLE: &str = "('paid', 'fulfilled', 'partly_refunded')";

/// Holds the refund's amount on the order and records it, in one transaction. `Err` when the order cannot give
/// that much back; the refund this key asked for before, when there is one.
async fn hold(state: &AppState, order: &orders::OrderRow, row: &RefundRow, key: &str, now: i64) -> Result<RefundRow> {
    let mut tx = state.db.begin().await?;
    let held = sqlx::query(&format!(
        "UPDATE orders SET refund_held_vnd = refund_held_vnd + $1, updated_at = $2 \
         WHERE id = $3 AND status IN {REFUNDABLE} AND refund_held_vnd + $1 <= total_vnd"
    ))
    .bind(row.amount_vnd)
    .bind(now)
    .bind(&order.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if held != 1 {
        let (status, left): (String, i64) =
            sqlx::query_as("SELECT status, total_vnd - refund_held_vnd FROM orders WHERE id = $1")
                .bind(&order.id)
                .fetch_one(&mut *tx)
                .await?;
        return Err(
            if !matches!(status.as_str(), "paid" | "fulfilled" | "partly_refunded") {
                not_refundable()
            } else {
                Error::unprocessable(
                    ErrorCode::RefundTooLarge,
                    format!(
                        "At most {} can be given back now.",
                        app::domain::format_vnd(left.max(0))
                    ),
                )
                .at(
                    "/amount_vnd",
                    FieldProblem::Range {
                        min: 1,
                        max: left.max(0),
                    },
                )
            },
        );
    }
    let inserted = sqlx::query(
        "INSERT INTO order_refunds (id, brand_id, order_id, amount_vnd, reason, status, actor, idempotency_key, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7, $8, $8)",
    )
    .bind(&row.id)
    .bind(&row.brand_id)
    .bind(&row.order_id)
    .bind(row.amount_vnd)
    .bind(&row.reason)
    .bind(&row.actor)
    .bind(key)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e, "order_refunds") => {
            drop(tx);
            return before(state, &order.id, key)
                .await?
                .ok_or_else(|| anyhow::anyhow!("a refund key collided and then vanished").into());
        }
        Err(e) => return Err(e.into()),
    }
    // In case the server stops before the payment service answers.
    refunding::enqueue(&mut tx, row, 0, now.saturating_add(refunding::RECOVER_AFTER_MS), now).await?;
    tx.commit().await?;
    Ok(row.clone())
}

async fn before(state: &AppState, order_id: &str, key: &str) -> Result<Option<RefundRow>> {
    let mut conn = state.db.write().acquire().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {REFUND_COLUMNS} FROM order_refunds WHERE order_id = $1 AND idempotency_key = $2"
    ))
    .bind(order_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Gives back all or part of a paid order. The same idempotency key answers with the same refund.
#[utoipa::path(
    post,
    path = "/api/v1/admin/orders/{id}/refunds",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = RefundOrder,
    responses(
        (status = 201, description = "Refunded, or in progress at the payment service", body = OrderRefund),
        (status = 200, description = "The refund this key asked for before", body = OrderRefund),
        (status = 404, description = "`unknown_order`", body = ErrorBody),
        (status = 409, description = "`not_refundable`", body = ErrorBody),
        (status = 422, description = "`invalid_refund`, `refund_too_large`", body = ErrorBody),
        (status = 502, description = "`refund_refused`: nothing went back", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(order = %id))]
async fn refund(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(body): Json<RefundOrder>,
) -> Result<(StatusCode, Json<OrderRefund>)> {
    let reason = body.reason.trim().to_owned();
    if !(1..=200).contains(&reason.chars().count()) || reason.chars().any(char::is_control) {
        return Err(invalid(
            "/reason",
            FieldProblem::Length { min: 1, max: 200 },
            "A refund needs a reason of 1 to 200 characters, on one line.",
        ));
    }
    if body.amount_vnd < 1 {
        return Err(invalid(
            "/amount_vnd",
            FieldProblem::Range { min: 1, max: i64::MAX },
            "A refund gives back at least 1 đồng.",
        ));
    }
    let key = match body.idempotency_key.as_deref().filter(|k| !k.trim().is_empty()) {
        Some(k) => crate::platform::idempotency::key(k, "A refund")?.to_owned(),
        None => new_id(),
    };
    let brand = Brand::by_id(&state.db, &claims.brand)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let mut conn = state.db.read().acquire().await?;
    let order = orders::find(&mut conn, &claims.brand, &id)
        .await?
        .ok_or_else(orders::unknown_order)?;
    drop(conn);
    if let Some(earlier) = before(&state, &order.id, &key).await? {
        return Ok((StatusCode::OK, Json(to_api(earlier))));
    }
    if !matches!(order.status.as_str(), "paid" | "fulfilled" | "partly_refunded") {
        return Err(not_refundable());
    }
    if order.provider == "momo" && body.amount_vnd < 1_000 {
        return Err(invalid(
            "/amount_vnd",
            FieldProblem::Range {
                min: 1_000,
                max: order.total_vnd,
            },
            "MoMo gives back at least 1.000 đ.",
        ));
    }
    let now = state.clock.now_ms();
    let row = RefundRow {
        id: new_id(),
        brand_id: claims.brand.clone(),
        order_id: order.id.clone(),
        amount_vnd: body.amount_vnd,
        reason,
        status: "requested".into(),
        provider_refund_id: None,
        failure: None,
        points_reversed: 0,
        actor: claims.sub.clone(),
        created_at: now,
    };
    let held = hold(&state, &order, &row, &key, now).await?;
    if held.id != row.id {
        return Ok((StatusCode::OK, Json(to_api(held))));
    }

    let payments = Payments {
        superapps: state.superapps.clone(),
        sealer: state.sealer.clone(),
    };
    let outcome = match refunding::send(&payments, &brand, &order, &row).await? {
        Ok(answer) => refunding::apply(&state.db, now, &order, &row, "refund", answer).await?,
        // MoMo's refund is idempotent by requestId: the job sends it again.
        Err(SuperAppError::Unavailable(why)) if order.provider == "momo" => {
            tracing::warn!(%why, "MoMo did not answer a refund: it is sent again shortly");
            Outcome::Processing
        }
        Err(SuperAppError::Unavailable(why)) => {
            refunding::give_up(&state.db, now, &row, "zalo_unavailable").await?;
            tracing::warn!(%why, "Zalo did not answer a refund");
            return Err(Error::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::RefundRefused,
                "Zalo did not answer. Check the payment trail and Zalo before trying again.",
            ));
        }
        Err(e) => {
            refunding::give_up(&state.db, now, &row, "not_configured").await?;
            return Err(Error::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::RefundRefused,
                e.to_string(),
            ));
        }
    };
    if let Outcome::Failed(why) = &outcome {
        return Err(Error::new(
            StatusCode::BAD_GATEWAY,
            ErrorCode::RefundRefused,
            format!("The payment service refused the refund ({why}). Nothing went back."),
        ));
    }
    // "In progress" is followed by the job already queued with the refund (two minutes on), which asks again
    // in a minute, doubling, while it stays in progress: one chain of questions per refund, never two at once.
    let mut conn = state.db.read().acquire().await?;
    let stored = refunding::find(&mut conn, &claims.brand, &row.id)
        .await?
        .ok_or_else(orders::unknown_order)?;
    Ok((StatusCode::CREATED, Json(to_api(stored))))
}
