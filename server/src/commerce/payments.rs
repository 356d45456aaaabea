//! Settling an order's payment, whatever said it was paid (a notice, or our status query): a guarded update moves
//! it to paid once, `order_paid` goes on the member's timeline in the same transaction (the earning rules pay from
//! it, and campaigns attribute it), and a repeat changes nothing but the trail, which keeps every verified message
//! as received.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::orders::{self, OrderRow};
use crate::{
    db::{Db, new_id},
    error::Result,
    events::{self, NewEvent},
};

/// Adds a notice, a create or a query to an order's payment trail, as received.
pub(super) async fn record_trail(
    db: &Db,
    brand_id: &str,
    order_id: Option<&str>,
    provider: &str,
    kind: &str,
    outcome: &str,
    body: &Value,
) -> Result<()> {
    let mut conn = db.write().acquire().await?;
    trail(
        &mut conn,
        brand_id,
        order_id,
        provider,
        kind,
        outcome,
        body,
        crate::db::now_ms(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn trail(
    conn: &mut AnyConnection,
    brand_id: &str,
    order_id: Option<&str>,
    provider: &str,
    kind: &str,
    outcome: &str,
    body: &Value,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO payment_events (id, brand_id, order_id, provider, kind, outcome, body, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(brand_id)
    .bind(order_id)
    .bind(provider)
    .bind(kind)
    .bind(outcome)
    .bind(body.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Points the order's payment earned, less what its refunds took back.
pub(super) async fn points_earned(conn: &mut AnyConnection, brand_id: &str, order_id: &str) -> Result<i64> {
    let (earned,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points) AS BIGINT) FROM ( \
           SELECT p.points FROM events e JOIN points_entries p ON p.source_kind = 'event' AND p.source_ref = e.id \
           WHERE e.brand_id = $1 AND e.idempotency_key = $2 \
           UNION ALL SELECT -r.points_reversed FROM order_refunds r WHERE r.order_id = $3 AND r.status = 'done' \
         ) earned",
    )
    .bind(brand_id)
    .bind(format!("order_paid:{order_id}"))
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(earned.unwrap_or(0))
}

/// What settling a notice did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Settled {
    /// The order is now paid.
    Paid,
    /// It was paid already: nothing changed.
    Again,
    /// The order is now failed.
    Failed,
}

/// What settled an order: a notice the service sent, or our query's answer.
#[derive(Debug, Clone, Copy)]
pub(super) enum Via {
    /// A callback or an IPN.
    Notice,
    /// A status query.
    Query,
}

impl Via {
    fn kind(self) -> &'static str {
        match self {
            Via::Notice => "notice",
            Via::Query => "query",
        }
    }
}

/// What pays an order: the service's ids and the message that said so.
#[derive(Debug, Clone)]
pub(super) struct Payment {
    /// The service's transaction id.
    pub trans_id: String,
    /// How the member paid, when the service says.
    pub method: Option<String>,
    /// The service's own order id (Zalo Checkout's), kept when not known yet.
    pub provider_order: Option<String>,
    /// A notice or a query's answer.
    pub via: Via,
    /// The message as received.
    pub message: Value,
}

/// Moves the order to paid once and records `order_paid`, in one transaction with what settled it (kept on the
/// trail). On SQLite it runs on the writer thread, so payments arriving together share a commit.
pub(super) async fn pay(db: &Db, now: i64, order: &OrderRow, payment: Payment) -> Result<Settled> {
    let order = order.clone();
    let id = order.id.clone();
    let total = order.total_vnd;
    let moved = db
        .transact(move |conn| Box::pin(async move { pay_in(conn, now, &order, &payment).await }))
        .await?;
    if moved {
        metrics::counter!("cham_orders_paid_total").increment(1);
        tracing::info!(order = %id, amount = total, "order paid");
        Ok(Settled::Paid)
    } else {
        Ok(Settled::Again)
    }
}

async fn pay_in(conn: &mut AnyConnection, now: i64, order: &OrderRow, payment: &Payment) -> Result<bool> {
    let (was,): (String,) = sqlx::query_as("SELECT status FROM orders WHERE id = $1")
        .bind(&order.id)
        .fetch_one(&mut *conn)
        .await?;
    let moved = sqlx::query(
        "UPDATE orders SET status = 'paid', paid_at = $1, updated_at = $1, provider_trans_id = $2, \
         method = COALESCE($3, method), provider_order_id = COALESCE(provider_order_id, $4), failure = NULL \
         WHERE id = $5 AND status IN ('awaiting_payment', 'failed', 'cancelled')",
    )
    .bind(now)
    .bind(&payment.trans_id)
    .bind(&payment.method)
    .bind(&payment.provider_order)
    .bind(&order.id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let outcome = if moved { "paid" } else { "repeated" };
    trail(
        conn,
        &order.brand_id,
        Some(&order.id),
        &order.provider,
        payment.via.kind(),
        outcome,
        &payment.message,
        now,
    )
    .await?;
    if moved && matches!(was.as_str(), "failed" | "cancelled") {
        // A late payment for an order that had failed or was cancelled: its voucher and points are used again.
        super::discounts::take_again(conn, &order.brand_id, &order.id, now).await?;
    }
    if moved {
        let properties = json!({
            "order_id": order.id,
            "amount_vnd": order.total_vnd,
            "store_id": order.store_id,
            "provider": order.provider,
            "trans_id": payment.trans_id,
        });
        events::record(
            conn,
            &order.brand_id,
            &NewEvent {
                profile_id: &order.profile_id,
                event_type: "order_paid",
                occurred_at: now,
                source: "server",
                properties: &properties,
                campaign: &events::Campaign::default(),
                idempotency_key: Some(&format!("order_paid:{}", order.id)),
            },
        )
        .await?;
    }
    Ok(moved)
}

/// Fails an order still awaiting payment, with the reason, and records `order_failed`.
pub(super) async fn fail(db: &Db, brand_id: &str, order_id: &str, reason: &str, now: i64) -> Result<bool> {
    let mut tx = db.begin().await?;
    let order = orders::find(&mut tx, brand_id, order_id)
        .await?
        .ok_or_else(orders::unknown_order)?;
    let moved = sqlx::query(
        "UPDATE orders SET status = 'failed', failure = $1, updated_at = $2 WHERE id = $3 AND status = 'awaiting_payment'",
    )
    .bind(reason)
    .bind(now)
    .bind(order_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 1 {
        super::discounts::give_back(&mut tx, brand_id, order_id, "order_failed", now).await?;
        let properties = json!({ "order_id": order_id, "reason": reason, "total_vnd": order.total_vnd });
        events::record(
            &mut tx,
            brand_id,
            &NewEvent {
                profile_id: &order.profile_id,
                event_type: "order_failed",
                occurred_at: now,
                source: "server",
                properties: &properties,
                campaign: &events::Campaign::default(),
                idempotency_key: Some(&format!("order_failed:{order_id}")),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(moved == 1)
}

/// Fails the order for a notice or a query's answer, and keeps what said so on the trail.
pub(super) async fn failed(
    db: &Db,
    now: i64,
    order: &OrderRow,
    reason: &str,
    (via, notice): (Via, Value),
) -> Result<Settled> {
    fail(db, &order.brand_id, &order.id, reason, now).await?;
    record_trail(
        db,
        &order.brand_id,
        Some(&order.id),
        &order.provider,
        via.kind(),
        reason,
        &notice,
    )
    .await?;
    Ok(Settled::Failed)
}
