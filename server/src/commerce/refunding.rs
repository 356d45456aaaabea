//! Carrying a refund through: asking the payment service, then settling what it answered. A refund the service
//! did at once is completed in one transaction (the order's refunded total and status, the points its part earned
//! taken back, the voucher handed back on a full refund, `order_refunded`: [`refund_done`](super::refund_done)); one still in progress is asked about
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
    jobs::{self, NewJob, Registry},
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
                Box::pin(async move {
                    super::refund_done::complete(conn, now, &order, &refund, provider_id.as_deref()).await
                })
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
