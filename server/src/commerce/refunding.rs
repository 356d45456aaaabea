//! Carrying a refund through: asking the payment service, then settling what it answered. A refund the service
//! did at once is completed in one transaction (the order's refunded total and status, the points its part earned
//! taken back, the voucher handed back on a full refund, `order_refunded`); one still in progress is asked about
//! by the `commerce.refund` job until it ends; a refused one gives its hold on the order back. Every answer goes
//! on the order's payment trail, as received.
//!
//! A refund the server was asking about when it stopped (`requested`, kill -9 mid-call) is picked up by the same
//! job: MoMo's is sent again with the same `requestId` (MoMo's idempotency key, so it cannot refund twice); Zalo's
//! refund has no idempotency key, so sending it again could give the money back twice: it is marked failed
//! (`interrupted`) for the admin to check the payment trail and Zalo before trying again.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::{
    orders::{self, OrderRow},
    payments::record_trail,
    settle::Payments,
};
use crate::{
    brands::{Brand, BrandSecret},
    clock::Clock,
    db::Db,
    error::Result,
    events::{self, NewEvent},
    jobs::{self, NewJob, Registry},
    loyalty::ledger::{self, TakeBack},
    superapp::{
        SuperAppError,
        refunds::{MomoRefund, RefundAnswer, RefundState},
    },
};

/// The job kind.
pub const REFUND: &str = "commerce.refund";
/// When a refund just asked for is looked at again, in case the server stopped mid-call.
pub(super) const RECOVER_AFTER_MS: i64 = 2 * 60 * 1000;
/// How long a refund in progress is followed.
const FOLLOW_FOR_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A refund as the store keeps it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct RefundRow {
    pub id: String,
    pub brand_id: String,
    pub order_id: String,
    pub amount_vnd: i64,
    pub reason: String,
    pub status: String,
    pub provider_refund_id: Option<String>,
    pub failure: Option<String>,
    pub points_reversed: i64,
    pub actor: String,
    pub created_at: i64,
}

pub(super) const REFUND_COLUMNS: &str = "id, brand_id, order_id, amount_vnd, reason, status, provider_refund_id, \
     failure, points_reversed, actor, created_at";

pub(super) async fn find(conn: &mut AnyConnection, brand_id: &str, id: &str) -> Result<Option<RefundRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {REFUND_COLUMNS} FROM order_refunds WHERE id = $1 AND brand_id = $2"
    ))
    .bind(id)
    .bind(brand_id)
    .fetch_optional(&mut *conn)
    .await?)
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    refund_id: String,
    #[serde(default)]
    round: u32,
}

/// Enqueues a look at `refund_id` at `due`, in the caller's transaction.
pub(super) async fn enqueue(
    conn: &mut AnyConnection,
    refund: &RefundRow,
    round: u32,
    due: i64,
    now: i64,
) -> Result<()> {
    let job = NewJob::new(
        REFUND,
        format!("{}#{round}", refund.id),
        json!(Payload {
            refund_id: refund.id.clone(),
            round
        }),
        due,
    )
    .for_brand(&refund.brand_id);
    jobs::enqueue(conn, &job, now).await?;
    Ok(())
}

/// Registers the refund job.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock, payments: Payments) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(REFUND, move |job| {
        let (db, clock, payments) = (db.clone(), clock.clone(), payments.clone());
        async move {
            let payload: Payload = job.payload()?;
            let brand_id = job
                .brand_id
                .clone()
                .ok_or_else(|| jobs::Permanent("a refund job names no brand".into()))?;
            follow(&db, &clock, &payments, &brand_id, &payload).await?;
            Ok(())
        }
    });
}

/// Asks the payment service to make the refund.
pub(super) async fn send(
    payments: &Payments,
    brand: &Brand,
    order: &OrderRow,
    refund: &RefundRow,
) -> Result<std::result::Result<RefundAnswer, SuperAppError>> {
    let secret = |which| brand.secret(&payments.sealer, which);
    let trans_id = order.provider_trans_id.clone().unwrap_or_default();
    Ok(match order.provider.as_str() {
        "zalo" => match (
            brand.zalo_app_id.as_deref(),
            secret(BrandSecret::ZaloCheckoutPrivateKey)?,
        ) {
            (Some(app_id), Some(key)) => {
                payments
                    .superapps
                    .zalo_refund(app_id, &key, &trans_id, refund.amount_vnd, &refund.reason)
                    .await
            }
            _ => Err(SuperAppError::NotConfigured("Zalo Checkout")),
        },
        _ => match (
            brand.momo_partner_code.as_deref(),
            secret(BrandSecret::MomoAccessKey)?,
            secret(BrandSecret::MomoSecretKey)?,
        ) {
            (Some(partner), Some(access), Some(secret_key)) => {
                let access: SecretString = access;
                payments
                    .superapps
                    .momo_refund(
                        &access,
                        &secret_key,
                        &MomoRefund {
                            partner_code: partner,
                            order_id: &refund.id,
                            request_id: &refund.id,
                            amount: refund.amount_vnd,
                            trans_id: &trans_id,
                            description: &refund.reason,
                        },
                    )
                    .await
            }
            _ => Err(SuperAppError::NotConfigured("MoMo")),
        },
    })
}

/// Asks the payment service where a refund in progress stands.
async fn ask(
    payments: &Payments,
    brand: &Brand,
    order: &OrderRow,
    refund: &RefundRow,
) -> Result<std::result::Result<RefundAnswer, SuperAppError>> {
    let secret = |which| brand.secret(&payments.sealer, which);
    Ok(match order.provider.as_str() {
        "zalo" => match (
            brand.zalo_app_id.as_deref(),
            secret(BrandSecret::ZaloCheckoutPrivateKey)?,
            refund.provider_refund_id.as_deref(),
        ) {
            (Some(app_id), Some(key), Some(refund_id)) => {
                payments.superapps.zalo_refund_status(app_id, &key, refund_id).await
            }
            _ => Err(SuperAppError::NotConfigured("Zalo Checkout")),
        },
        _ => match (
            brand.momo_partner_code.as_deref(),
            secret(BrandSecret::MomoAccessKey)?,
            secret(BrandSecret::MomoSecretKey)?,
        ) {
            (Some(partner), Some(access), Some(secret_key)) => {
                let access: SecretString = access;
                // The refund's own orderId: MoMo's query answers for it as for a payment.
                let request = crate::db::new_id();
                payments
                    .superapps
                    .momo_query(partner, &access, &secret_key, &refund.id, &request)
                    .await
                    .map(|a| RefundAnswer {
                        state: match a.state {
                            crate::superapp::payments::PaymentState::Paid { .. } => RefundState::Done,
                            crate::superapp::payments::PaymentState::Pending => RefundState::Processing,
                            crate::superapp::payments::PaymentState::Failed(why) => RefundState::Failed(why),
                        },
                        refund_id: None,
                        raw: a.raw,
                    })
            }
            _ => Err(SuperAppError::NotConfigured("MoMo")),
        },
    })
}

/// Where a refund ended up after an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    Done,
    Processing,
    Failed(String),
}

/// Settles what the payment service answered (`kind` `refund` or `refund_query` on the trail).
pub(super) async fn apply(
    db: &Db,
    now: i64,
    order: &OrderRow,
    refund: &RefundRow,
    kind: &str,
    answer: RefundAnswer,
) -> Result<Outcome> {
    let outcome = match &answer.state {
        RefundState::Done => "refunded".to_owned(),
        RefundState::Processing => "processing".to_owned(),
        RefundState::Failed(why) => why.clone(),
    };
    record_trail(
        db,
        &order.brand_id,
        Some(&order.id),
        &order.provider,
        kind,
        &outcome,
        &answer.raw,
    )
    .await?;
    match answer.state {
        RefundState::Done => {
            let (order, refund) = (order.clone(), refund.clone());
            let provider_id = answer.refund_id.clone();
            db.transact(move |conn| {
                Box::pin(async move { complete(conn, now, &order, &refund, provider_id.as_deref()).await })
            })
            .await?;
            Ok(Outcome::Done)
        }
        RefundState::Processing => {
            let mut tx = db.begin().await?;
            sqlx::query(
                "UPDATE order_refunds SET status = 'processing', provider_refund_id = COALESCE($1, provider_refund_id), \
                 updated_at = $2 WHERE id = $3 AND status IN ('requested', 'processing')",
            )
            .bind(&answer.refund_id)
            .bind(now)
            .bind(&refund.id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Outcome::Processing)
        }
        RefundState::Failed(why) => {
            give_up(db, now, refund, &why).await?;
            Ok(Outcome::Failed(why))
        }
    }
}

/// Marks a refund failed and gives its hold on the order back.
pub(super) async fn give_up(db: &Db, now: i64, refund: &RefundRow, why: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let moved = sqlx::query(
        "UPDATE order_refunds SET status = 'failed', failure = $1, updated_at = $2 \
         WHERE id = $3 AND status IN ('requested', 'processing')",
    )
    .bind(why)
    .bind(now)
    .bind(&refund.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 1 {
        sqlx::query("UPDATE orders SET refund_held_vnd = refund_held_vnd - $1, updated_at = $2 WHERE id = $3")
            .bind(refund.amount_vnd)
            .bind(now)
            .bind(&refund.order_id)
            .execute(&mut *tx)
            .await?;
        tracing::warn!(refund = %refund.id, %why, "refund refused");
    }
    tx.commit().await?;
    Ok(())
}

/// Points to take back so that, after this refund, the order keeps the share of its points that the part still
/// paid earned: `earned × refunded ÷ total`, rounded down, less what earlier refunds took. Checked arithmetic.
pub(crate) fn points_owed(earned: i64, total_vnd: i64, refunded_after: i64, taken_before: i64) -> i64 {
    if earned <= 0 || total_vnd <= 0 {
        return 0;
    }
    let share = i128::from(earned) * i128::from(refunded_after.clamp(0, total_vnd)) / i128::from(total_vnd);
    let share = i64::try_from(share).unwrap_or(earned);
    share.saturating_sub(taken_before).max(0)
}

async fn complete(
    conn: &mut AnyConnection,
    now: i64,
    order: &OrderRow,
    refund: &RefundRow,
    provider_id: Option<&str>,
) -> Result<()> {
    let moved = sqlx::query(
        "UPDATE order_refunds SET status = 'done', provider_refund_id = COALESCE($1, provider_refund_id), \
         failure = NULL, updated_at = $2 WHERE id = $3 AND status IN ('requested', 'processing')",
    )
    .bind(provider_id)
    .bind(now)
    .bind(&refund.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved != 1 {
        return Ok(()); // settled before (a repeated answer)
    }
    let (refunded, total): (i64, i64) = sqlx::query_as(
        "UPDATE orders SET refunded_vnd = refunded_vnd + $1, updated_at = $2, \
         status = CASE WHEN refunded_vnd + $1 >= total_vnd THEN 'refunded' ELSE 'partly_refunded' END \
         WHERE id = $3 RETURNING refunded_vnd, total_vnd",
    )
    .bind(refund.amount_vnd)
    .bind(now)
    .bind(&order.id)
    .fetch_one(&mut *conn)
    .await?;

    // The points the refunded part earned.
    let entries: Vec<ledger::StoredEntry> = sqlx::query_as(
        "SELECT p.id, p.profile_id, p.kind, p.points, p.remaining, p.posted, p.available_at, p.source_kind, p.source_ref \
         FROM events e JOIN points_entries p ON p.source_kind = 'event' AND p.source_ref = e.id \
         WHERE e.brand_id = $1 AND e.idempotency_key = $2 AND p.kind = 'earn' AND p.points > 0 ORDER BY p.id",
    )
    .bind(&order.brand_id)
    .bind(format!("order_paid:{}", order.id))
    .fetch_all(&mut *conn)
    .await?;
    let earned = entries.iter().fold(0_i64, |sum, e| sum.saturating_add(e.points));
    let (taken_before,): (Option<i64>,) = sqlx::query_as(
        "SELECT CAST(SUM(points_reversed) AS BIGINT) FROM order_refunds WHERE order_id = $1 AND status = 'done' AND id <> $2",
    )
    .bind(&order.id)
    .bind(&refund.id)
    .fetch_one(&mut *conn)
    .await?;
    let mut owed = points_owed(earned, total, refunded, taken_before.unwrap_or(0));
    let mut taken = 0_i64;
    if owed > 0 {
        let account = ledger::lock(conn, &order.brand_id, &order.profile_id, now).await?;
        let mut balance = account.balance;
        for entry in &entries {
            if owed == 0 {
                break;
            }
            // Re-read the lot: an earlier refund may have shrunk it.
            let Some(fresh) = ledger::entry(conn, &order.brand_id, &entry.id).await? else {
                continue;
            };
            let key = format!("refund:{}:{}", refund.id, entry.id);
            let took = ledger::take_back(
                conn,
                &order.brand_id,
                &fresh,
                balance,
                TakeBack {
                    points: owed,
                    source_kind: "refund",
                    reference: &refund.id,
                    key: &key,
                    label: "order_refunded",
                    reason: &refund.reason,
                    actor: &refund.actor,
                },
                now,
            )
            .await?;
            if fresh.posted != 0 {
                balance = balance.saturating_sub(took);
            }
            owed = owed.saturating_sub(took);
            taken = taken.saturating_add(took);
        }
        sqlx::query("UPDATE order_refunds SET points_reversed = $1 WHERE id = $2")
            .bind(taken)
            .bind(&refund.id)
            .execute(&mut *conn)
            .await?;
    }
    if refunded >= total {
        // Refunded in full: the voucher and the points that paid part of it go back too.
        super::discounts::give_back(conn, &order.brand_id, &order.id, "order_refunded", now).await?;
    }
    let properties = json!({
        "order_id": order.id,
        "refund_id": refund.id,
        "amount_vnd": refund.amount_vnd,
        "refunded_vnd": refunded,
        "total_vnd": total,
        "reason": refund.reason,
        "points_reversed": taken,
        "full": refunded >= total,
    });
    events::record(
        conn,
        &order.brand_id,
        &NewEvent {
            profile_id: &order.profile_id,
            event_type: "order_refunded",
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &events::Campaign::default(),
            idempotency_key: Some(&format!("order_refunded:{}", refund.id)),
        },
    )
    .await?;
    metrics::counter!("cham_refunds_total").increment(1);
    tracing::info!(order = %order.id, refund = %refund.id, amount = refund.amount_vnd, points = taken, "order refunded");
    Ok(())
}

async fn follow(db: &Db, clock: &Clock, payments: &Payments, brand_id: &str, payload: &Payload) -> Result<()> {
    let mut conn = db.read().acquire().await?;
    let Some(refund) = find(&mut conn, brand_id, &payload.refund_id).await? else {
        return Ok(());
    };
    let Some(order) = orders::find(&mut conn, brand_id, &refund.order_id).await? else {
        return Ok(());
    };
    drop(conn);
    let Some(brand) = Brand::by_id(db, brand_id).await? else {
        return Ok(());
    };
    let now = clock.now_ms();
    let answer = match refund.status.as_str() {
        "requested" if order.provider == "zalo" => {
            give_up(db, now, &refund, "interrupted").await?;
            return Ok(());
        }
        "requested" => send(payments, &brand, &order, &refund).await?,
        "processing" => ask(payments, &brand, &order, &refund).await?,
        _ => return Ok(()), // done or failed
    };
    let kind = if refund.status == "requested" {
        "refund"
    } else {
        "refund_query"
    };
    let outcome = match answer {
        Ok(answer) => apply(db, now, &order, &refund, kind, answer).await?,
        Err(SuperAppError::Unavailable(why)) => {
            tracing::warn!(refund = %refund.id, %why, "the payment service did not answer about a refund");
            Outcome::Processing
        }
        Err(e) => {
            give_up(db, now, &refund, &format!("{e}")).await?;
            return Ok(());
        }
    };
    if outcome == Outcome::Processing {
        if now.saturating_sub(refund.created_at) >= FOLLOW_FOR_MS {
            tracing::warn!(refund = %refund.id, "a refund is still in progress after a week: no longer asked about");
            return Ok(());
        }
        // A minute, doubling each round, at most an hour.
        let wait = 60_000_i64.saturating_mul(1_i64 << payload.round.min(6)).min(3_600_000);
        let round = payload.round.saturating_add(1);
        let mut tx = db.begin().await?;
        enqueue(&mut tx, &refund, round, now.saturating_add(wait), now).await?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::points_owed;

    #[test]
    fn refunds_take_back_the_share_their_part_earned_and_all_of_it_in_the_end() {
        // 45 points on 45,000 đ: a 15,000 đ refund takes 15, then the rest takes 30.
        assert_eq!(points_owed(45, 45_000, 15_000, 0), 15);
        assert_eq!(points_owed(45, 45_000, 45_000, 15), 30);
        // Rounding down each time never takes more than was earned, and the last refund squares it.
        assert_eq!(points_owed(10, 30_000, 10_000, 0), 3);
        assert_eq!(points_owed(10, 30_000, 20_000, 3), 3);
        assert_eq!(points_owed(10, 30_000, 30_000, 6), 4);
        // Extremes neither panic nor wrap.
        assert_eq!(points_owed(i64::MAX, i64::MAX, i64::MAX, 0), i64::MAX);
        assert_eq!(points_owed(5, 0, 10, 0), 0);
        assert_eq!(points_owed(5, 100, 100, 9), 0);
    }
}
