//! Settling an order whose payment notice never came (`commerce.settle`). Placing an order enqueues this job, due
//! twenty minutes later, in the order's transaction; when it runs and the order still awaits payment, it asks the
//! payment service (Zalo Checkout's status query by Checkout's order id, MoMo's query by ours) and settles the
//! order the way a notice would: paid once (the amount checked when the answer names one), or failed. A payment
//! still processing, or never started, is asked about again twenty minutes later, until a day has passed; then
//! the order fails as unpaid. The answer goes on the payment trail. A network failure retries the job.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::{
    orders::{self, OrderRow},
    payments::{self, Via},
};
use crate::{
    brands::{Brand, BrandSecret},
    clock::Clock,
    crypto::Sealer,
    db::{Db, new_id},
    error::Result,
    jobs::{self, NewJob, Registry},
    superapp::{
        SuperApps,
        payments::{PaymentState, StatusAnswer},
    },
};

/// The job kind.
pub const SETTLE: &str = "commerce.settle";
/// How long a payment may go without a notice before we ask.
pub const ASK_AFTER_MS: i64 = 20 * 60 * 1000;
/// How long an order may await payment before it fails as unpaid.
pub const GIVE_UP_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    order_id: String,
    #[serde(default)]
    round: u32,
}

/// Enqueues the first question about `order_id`, in the caller's transaction.
pub(super) async fn enqueue(conn: &mut AnyConnection, brand_id: &str, order_id: &str, now: i64) -> Result<()> {
    let job = NewJob::new(
        SETTLE,
        order_id,
        json!(Payload {
            order_id: order_id.to_owned(),
            round: 0
        }),
        now.saturating_add(ASK_AFTER_MS),
    )
    .for_brand(brand_id);
    jobs::enqueue(conn, &job, now).await?;
    Ok(())
}

/// What the settle job needs besides the store.
#[derive(Debug, Clone)]
pub struct Payments {
    /// The payment services' clients.
    pub superapps: SuperApps,
    /// Opens the brands' payment keys.
    pub sealer: Sealer,
}

/// Registers the settle job.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock, payments: Payments) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(SETTLE, move |job| {
        let (db, clock, payments) = (db.clone(), clock.clone(), payments.clone());
        async move {
            let payload: Payload = job.payload()?;
            let brand_id = job
                .brand_id
                .clone()
                .ok_or_else(|| jobs::Permanent("a settle job names no brand".into()))?;
            settle(&db, &clock, &payments, &brand_id, &payload).await?;
            Ok(())
        }
    });
}

async fn ask(
    payments: &Payments,
    brand: &Brand,
    order: &OrderRow,
    provider_order: Option<&str>,
) -> Result<Option<StatusAnswer>> {
    let secret = |which| brand.secret(&payments.sealer, which);
    match order.provider.as_str() {
        "zalo" => {
            let (Some(app_id), Some(key), Some(checkout_id)) = (
                brand.zalo_app_id.as_deref(),
                secret(BrandSecret::ZaloCheckoutPrivateKey)?,
                provider_order,
            ) else {
                // The member never reached the Checkout: nothing to ask about yet.
                return Ok(None);
            };
            Ok(Some(payments.superapps.zalo_status(app_id, checkout_id, &key).await?))
        }
        _ => {
            let (Some(partner), Some(access), Some(secret_key)) = (
                brand.momo_partner_code.as_deref(),
                secret(BrandSecret::MomoAccessKey)?,
                secret(BrandSecret::MomoSecretKey)?,
            ) else {
                return Ok(None);
            };
            let access: SecretString = access;
            Ok(Some(
                payments
                    .superapps
                    .momo_query(partner, &access, &secret_key, &order.id, &new_id())
                    .await?,
            ))
        }
    }
}

async fn settle(db: &Db, clock: &Clock, payments: &Payments, brand_id: &str, payload: &Payload) -> Result<()> {
    let mut conn = db.read().acquire().await?;
    let order = orders::find(&mut conn, brand_id, &payload.order_id).await?;
    let provider_order: Option<(Option<String>,)> =
        sqlx::query_as("SELECT provider_order_id FROM orders WHERE id = $1 AND brand_id = $2")
            .bind(&payload.order_id)
            .bind(brand_id)
            .fetch_optional(&mut *conn)
            .await?;
    drop(conn);
    let Some(order) = order.filter(|o| o.status == "awaiting_payment") else {
        return Ok(()); // settled by its notice, or gone
    };
    let Some(brand) = Brand::by_id(db, brand_id).await? else {
        return Ok(());
    };
    let provider_order = provider_order.and_then(|p| p.0);
    let now = clock.now_ms();
    let answer = ask(payments, &brand, &order, provider_order.as_deref()).await?;
    match answer {
        Some(StatusAnswer {
            state: PaymentState::Paid { trans_id, amount },
            raw,
        }) => {
            if amount.is_some_and(|a| a != order.total_vnd) {
                tracing::warn!(order = %order.id, "a status answer's amount does not match the order");
                payments::record_trail(
                    db,
                    brand_id,
                    Some(&order.id),
                    &order.provider,
                    "query",
                    "amount_mismatch",
                    &raw,
                )
                .await?;
                return Ok(());
            }
            let payment = payments::Payment {
                trans_id,
                method: None,
                provider_order: None,
                via: Via::Query,
                message: raw,
            };
            payments::pay(db, now, &order, payment).await?;
            tracing::info!(order = %order.id, "order settled by a status query");
        }
        Some(StatusAnswer {
            state: PaymentState::Failed(reason),
            raw,
        }) => {
            payments::failed(db, now, &order, &reason, (Via::Query, raw)).await?;
        }
        pending => {
            if let Some(StatusAnswer { raw, .. }) = &pending {
                payments::record_trail(
                    db,
                    brand_id,
                    Some(&order.id),
                    &order.provider,
                    "query",
                    "processing",
                    raw,
                )
                .await?;
            }
            if now.saturating_sub(order.created_at) >= GIVE_UP_AFTER_MS {
                payments::fail(db, brand_id, &order.id, "not_paid_in_time", now).await?;
                return Ok(());
            }
            let next = Payload {
                order_id: order.id.clone(),
                round: payload.round.saturating_add(1),
            };
            let job = NewJob::new(
                SETTLE,
                format!("{}#{}", order.id, next.round),
                json!(next),
                now.saturating_add(ASK_AFTER_MS),
            )
            .for_brand(brand_id);
            jobs::enqueue_now(db, job, now).await?;
        }
    }
    Ok(())
}
