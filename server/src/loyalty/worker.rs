//! Background loyalty work, as rows: pending points that became spendable and lots that expired are settled,
//! tier periods that ended are reviewed, birthdays are recorded as events (which the earning rules pay), and
//! vouchers past their date are marked expired. Every step is idempotent and takes the member's account lock,
//! so several processes may run it at once. [`run_due`] is one pass, which tests drive with a chosen `now`; the
//! job [`DUE`] runs it every minute on whichever worker claims it.

use std::time::Duration;

use chrono::Datelike;

use super::{config, ledger, tiers, time};
use crate::{
    clock::Clock,
    db::Db,
    error::Result,
    events::{self, Campaign, NewEvent},
    jobs::Registry,
};

/// Members settled in one pass, at most (the next pass takes the rest).
const BATCH: i64 = 500;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueReport {
    /// Accounts whose pending or expiring lots were settled.
    pub settled: usize,
    /// Tier periods reviewed.
    pub tiers_reviewed: usize,
    /// Birthday events recorded.
    pub birthdays: usize,
    /// Vouchers marked expired.
    pub vouchers_expired: u64,
}

/// One pass of the loyalty work due by `now`.
pub async fn run_due(db: &Db, now: i64) -> Result<DueReport> {
    let mut report = DueReport::default();
    let due: Vec<(String, String)> = sqlx::query_as(
        "SELECT brand_id, profile_id FROM points_accounts WHERE next_due_at <= $1 ORDER BY next_due_at LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.read())
    .await?;
    for (brand_id, profile_id) in &due {
        let mut tx = db.begin().await?;
        ledger::lock(&mut tx, brand_id, profile_id, now).await?;
        tx.commit().await?;
        report.settled += 1;
    }

    let review: Vec<(String, String)> = sqlx::query_as(
        "SELECT brand_id, profile_id FROM points_accounts WHERE tier_until <= $1 ORDER BY tier_until LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.read())
    .await?;
    for (brand_id, profile_id) in &review {
        let mut tx = db.begin().await?;
        let account = ledger::lock(&mut tx, brand_id, profile_id, now).await?;
        // Another process may have reviewed it between the read and the lock.
        if account.tier_until.is_some_and(|until| until <= now) {
            let config = config::get(&mut tx, brand_id).await?;
            tiers::review(&mut tx, brand_id, profile_id, &account, &config, now).await?;
            report.tiers_reviewed += 1;
        }
        tx.commit().await?;
    }

    report.birthdays = birthdays(db, now).await?;
    report.vouchers_expired =
        sqlx::query("UPDATE vouchers SET status = 'expired' WHERE status = 'issued' AND expires_at <= $1")
            .bind(now)
            .execute(db.write())
            .await?
            .rows_affected();
    Ok(report)
}

/// Records `birthday` on members whose `birthday` attribute falls today, in brands with a birthday rule; the
/// event's key (member and year) makes it once a year however often this runs.
async fn birthdays(db: &Db, now: i64) -> Result<usize> {
    let brands: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT brand_id FROM earning_rules WHERE trigger_type = 'birthday' AND active = 1")
            .fetch_all(db.read())
            .await?;
    let today = time::local(now);
    // Attributes hold JSON text: a date is "1990-12-24", quotes included.
    let pattern = format!("\"%-{:02}-{:02}\"", today.month(), today.day());
    let mut recorded = 0;
    for (brand_id,) in brands {
        let members: Vec<(String,)> = sqlx::query_as(
            "SELECT a.profile_id FROM profile_attributes a JOIN profiles p ON p.id = a.profile_id \
             WHERE a.brand_id = $1 AND a.key = 'birthday' AND a.value_type = 'date' AND a.value LIKE $2 \
             AND p.merged_into IS NULL AND p.erased_at IS NULL",
        )
        .bind(&brand_id)
        .bind(&pattern)
        .fetch_all(db.read())
        .await?;
        for (profile_id,) in members {
            let key = format!("birthday:{profile_id}:{}", today.year());
            let properties = serde_json::json!({ "year": today.year() });
            let mut tx = db.begin().await?;
            let event = NewEvent {
                profile_id: &profile_id,
                event_type: "birthday",
                occurred_at: now,
                source: "server",
                properties: &properties,
                campaign: &Campaign::default(),
                idempotency_key: Some(&key),
            };
            if !events::record(&mut tx, &brand_id, &event).await?.duplicate {
                recorded += 1;
            }
            tx.commit().await?;
        }
    }
    Ok(recorded)
}

/// The job of one loyalty pass, scheduled every minute by whichever worker gets there first.
pub const DUE: &str = "loyalty.due";

/// Registers the loyalty pass: a job every minute that runs [`run_due`] at the clock's time.
pub fn register(registry: &mut Registry, db: &Db, clock: &Clock) {
    let (db, clock) = (db.clone(), clock.clone());
    registry.handle(DUE, move |_job| {
        let (db, clock) = (db.clone(), clock.clone());
        async move {
            let report = run_due(&db, clock.now_ms()).await?;
            if report != DueReport::default() {
                tracing::info!(?report, "loyalty work done");
            }
            Ok(())
        }
    });
    registry.every(DUE, Duration::from_secs(60));
}
