//! Tiers: measured on points earned or VND spent over the brand's rolling window. A member moves up the moment
//! they qualify and holds a tier for one window; when it ends, the tier is reviewed and may go down.

use sqlx::AnyConnection;

use super::{
    config::{LoyaltyConfig, TierRow},
    ledger::Account,
    time::{months_after, months_before},
};
use crate::{
    error::Result,
    events::{self, Campaign, NewEvent},
};

/// Points earned (net of reversed earnings) or VND spent by a member within the window ending at `now`.
pub async fn qualifying(conn: &mut AnyConnection, profile_id: &str, config: &LoyaltyConfig, now: i64) -> Result<i64> {
    let since = months_before(now, config.settings.tier_window_months);
    let sql = if config.settings.tier_metric == "vnd" {
        "SELECT CAST(SUM(value_vnd) AS BIGINT) FROM events WHERE profile_id = $1 AND occurred_at >= $2 \
         AND type IN ('order_paid', 'offline_purchase')"
    } else {
        "SELECT CAST(SUM(points) AS BIGINT) FROM points_entries WHERE profile_id = $1 AND created_at >= $2 \
         AND (kind = 'earn' OR (kind = 'reverse' AND label = 'earn'))"
    };
    let (sum,): (Option<i64>,) = sqlx::query_as(sql)
        .bind(profile_id)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?;
    Ok(sum.unwrap_or(0).max(0))
}

async fn change(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    from: Option<&TierRow>,
    to: Option<&TierRow>,
    until: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE points_accounts SET tier_id = $1, tier_until = $2 WHERE profile_id = $3")
        .bind(to.map(|t| t.id.clone()))
        .bind(until)
        .bind(profile_id)
        .execute(&mut *conn)
        .await?;
    let (from_threshold, to_threshold) = (from.map_or(-1, |t| t.threshold), to.map_or(-1, |t| t.threshold));
    if from_threshold == to_threshold {
        return Ok(());
    }
    let properties = serde_json::json!({
        "from": from.map(|t| &t.name),
        "from_tier_id": from.map(|t| &t.id),
        "to": to.map(|t| &t.name),
        "to_tier_id": to.map(|t| &t.id),
        "direction": if to_threshold > from_threshold { "up" } else { "down" },
        "until": until.map(crate::db::rfc3339),
    });
    events::append(
        conn,
        brand_id,
        &NewEvent {
            profile_id,
            event_type: "tier_changed",
            occurred_at: now,
            source: "server",
            properties: &properties,
            campaign: &Campaign::default(),
            idempotency_key: None,
        },
    )
    .await?;
    metrics::counter!("cham_tier_changes_total").increment(1);
    Ok(())
}

/// Moves a member (account locked) up at once when they qualify for a higher tier than theirs.
pub async fn upgrade(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    account: &Account,
    config: &LoyaltyConfig,
    now: i64,
) -> Result<()> {
    let current = config.effective_tier(account.tier_id.as_deref());
    if config.next_tier(account.tier_id.as_deref()).is_none() {
        return Ok(());
    }
    let reached = config.tier_for(qualifying(conn, profile_id, config, now).await?);
    if reached.map_or(-1, |t| t.threshold) > current.map_or(-1, |t| t.threshold) {
        let until = months_after(now, config.settings.tier_window_months);
        change(conn, brand_id, profile_id, current, reached, Some(until), now).await?;
    }
    Ok(())
}

/// At the end of a member's tier period (account locked): the tier they qualify for now, held for another
/// window; lower when they no longer qualify.
pub async fn review(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    account: &Account,
    config: &LoyaltyConfig,
    now: i64,
) -> Result<()> {
    let current = config.effective_tier(account.tier_id.as_deref());
    let reached = config.tier_for(qualifying(conn, profile_id, config, now).await?);
    let until = reached
        .filter(|t| t.threshold > 0)
        .map(|_| months_after(now, config.settings.tier_window_months));
    change(conn, brand_id, profile_id, current, reached, until, now).await
}

async fn threshold_of(conn: &mut AnyConnection, id: Option<&str>) -> Result<i64> {
    let Some(id) = id else { return Ok(-1) };
    let row: Option<(i64,)> = sqlx::query_as("SELECT threshold FROM tiers WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map_or(-1, |(t,)| t))
}

/// Of two tier ids, the one with the higher threshold (for merging two members' accounts).
pub async fn higher(conn: &mut AnyConnection, a: Option<&str>, b: Option<&str>) -> Result<Option<String>> {
    let (ta, tb) = (threshold_of(conn, a).await?, threshold_of(conn, b).await?);
    Ok(if tb > ta { b } else { a }.map(str::to_owned))
}
