//! What a member sees of their points: the loyalty card and the paginated points history.

use app::api::ErrorCode;
use app::api::{ErrorBody, LoyaltyCard, LoyaltySummary, PointsEntry, PointsHistory, TierBadge};
use axum::extract::State;
use serde::Deserialize;
use sqlx::AnyConnection;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    config::{self, LoyaltyConfig, TierRow},
    ledger::{self, Account, not_reversible},
    tiers,
    time::DAY_MS,
};
use crate::error::Query;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    db::{Db, now_ms, rfc3339},
    error::{Error, Json, Result},
    profiles,
};

/// The entry tier's name when a brand has no zero-threshold tier.
pub const ENTRY_TIER: &str = "Member";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_card))
        .routes(routes!(my_history))
}

/// The name of the tier a member is in.
pub fn tier_name(config: &LoyaltyConfig, tier_id: Option<&str>) -> String {
    config
        .effective_tier(tier_id)
        .map_or_else(|| ENTRY_TIER.to_owned(), |t| t.name.clone())
}

/// The tier a member has reached (none: the entry level), read without locking their account.
pub async fn reached_tier(conn: &mut AnyConnection, profile_id: &str) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT tier_id FROM points_accounts WHERE profile_id = $1")
        .bind(profile_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.and_then(|(t,)| t))
}

/// The member's account, settled as of now: read as it is, or, when something fell due since the last
/// posting, settled in a short write transaction first.
pub async fn settled_account(db: &Db, brand_id: &str, profile_id: &str) -> Result<Account> {
    let now = now_ms();
    let stored: Option<Account> = sqlx::query_as(
        "SELECT balance, pending, tier_id, tier_until, next_due_at FROM points_accounts WHERE profile_id = $1 AND brand_id = $2",
    )
    .bind(profile_id)
    .bind(brand_id)
    .fetch_optional(db.read())
    .await?;
    match stored {
        None => Ok(Account {
            balance: 0,
            pending: 0,
            tier_id: None,
            tier_until: None,
            next_due_at: None,
        }),
        Some(a) if a.next_due_at.is_none_or(|due| due > now) => Ok(a),
        Some(_) => {
            let mut tx = db.begin().await?;
            let account = ledger::lock(&mut tx, brand_id, profile_id, now).await?;
            tx.commit().await?;
            Ok(account)
        }
    }
}

/// Points and tier name for the profile summary.
pub async fn summary(db: &Db, brand_id: &str, profile_id: &str) -> Result<LoyaltySummary> {
    let account = settled_account(db, brand_id, profile_id).await?;
    let mut conn = db.read().acquire().await?;
    let config = config::get(&mut conn, brand_id).await?;
    Ok(LoyaltySummary {
        points: account.balance,
        tier: tier_name(&config, account.tier_id.as_deref()),
    })
}

/// The tier a member is in, as the card shows it.
fn badge(config: &LoyaltyConfig, tier_id: Option<&str>) -> TierBadge {
    config.effective_tier(tier_id).map_or_else(
        || TierBadge {
            id: None,
            name: ENTRY_TIER.to_owned(),
            threshold: 0,
            earn_multiplier_pct: 100,
            benefits: String::new(),
        },
        |t| t.badge(),
    )
}

/// A member's loyalty card.
pub async fn card(db: &Db, brand_id: &str, profile_id: &str) -> Result<LoyaltyCard> {
    let account = settled_account(db, brand_id, profile_id).await?;
    let now = now_ms();
    let mut conn = db.read().acquire().await?;
    let config = config::get(&mut conn, brand_id).await?;
    let (expiring, next_expiry): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN expires_at <= $2 THEN remaining ELSE 0 END) AS BIGINT), MIN(expires_at) \
         FROM points_entries WHERE profile_id = $1 AND posted = 1 AND remaining > 0 AND expires_at IS NOT NULL",
    )
    .bind(profile_id)
    .bind(now + 30 * DAY_MS)
    .fetch_one(&mut *conn)
    .await?;
    let qualifying = tiers::qualifying(&mut conn, profile_id, &config, now).await?;
    let tier = badge(&config, account.tier_id.as_deref());
    Ok(LoyaltyCard {
        balance: account.balance,
        pending: account.pending,
        expiring_soon: expiring.unwrap_or(0),
        next_expiry_at: next_expiry.map(rfc3339),
        tier,
        tier_until: account.tier_until.map(rfc3339),
        next_tier: config.next_tier(account.tier_id.as_deref()).map(|t| t.badge()),
        tier_metric: config.settings.tier_metric.clone(),
        tier_window_months: config.settings.tier_window_months,
        qualifying,
        tiers: config.tiers.iter().map(TierRow::badge).collect(),
    })
}

/// History paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// At most this many entries (1–100, default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct EntryRow {
    id: String,
    kind: String,
    points: i64,
    remaining: i64,
    posted: i64,
    available_at: i64,
    expires_at: Option<i64>,
    source_kind: String,
    source_ref: String,
    label: Option<String>,
    reason: Option<String>,
    reverses_id: Option<String>,
    reversed_by: Option<String>,
    created_at: i64,
}

/// One page of a member's points history, newest first.
pub async fn history(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    q: &HistoryQuery,
) -> Result<PointsHistory> {
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let (before_ms, before_id) = match q.cursor.as_deref() {
        Some(c) => c
            .split_once('_')
            .and_then(|(ms, id)| Some((ms.parse::<i64>().ok()?, id.to_owned())))
            .ok_or_else(|| Error::bad_request(ErrorCode::InvalidCursor, "This page cursor is not valid."))?,
        None => (i64::MAX, String::new()),
    };
    let mut rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT e.id, e.kind, e.points, e.remaining, e.posted, e.available_at, e.expires_at, e.source_kind, e.source_ref, \
         e.label, e.reason, e.reverses_id, r.id AS reversed_by, e.created_at \
         FROM points_entries e LEFT JOIN points_entries r ON r.reverses_id = e.id \
         WHERE e.profile_id = $1 AND e.brand_id = $2 \
         AND (e.created_at < $3 OR (e.created_at = $3 AND $4 <> '' AND e.id < $4)) \
         ORDER BY e.created_at DESC, e.id DESC LIMIT $5",
    )
    .bind(profile_id)
    .bind(brand_id)
    .bind(before_ms)
    .bind(before_id)
    .bind(limit + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| format!("{}_{}", r.created_at, r.id));
    let entries = rows
        .into_iter()
        .map(|r| PointsEntry {
            reversible: r.reversed_by.is_none() && not_reversible(&r.kind).is_none(),
            pending: r.posted == 0,
            available_at: rfc3339(r.available_at),
            expires_at: r.expires_at.map(rfc3339),
            created_at: rfc3339(r.created_at),
            id: r.id,
            kind: r.kind,
            points: r.points,
            remaining: r.remaining,
            source_kind: r.source_kind,
            source_ref: r.source_ref,
            label: r.label,
            reason: r.reason,
            reverses_id: r.reverses_id,
        })
        .collect();
    Ok(PointsHistory { entries, next_cursor })
}

/// The signed-in member's loyalty card: balance, pending, expiring within 30 days, tier and the next one.
#[utoipa::path(
    get,
    path = "/api/v1/me/loyalty",
    tag = "loyalty",
    security(("bearer" = [])),
    responses((status = 200, body = LoyaltyCard), (status = 401, description = "`invalid_token`", body = ErrorBody))
)]
async fn my_card(State(state): State<AppState>, CustomerAuth(claims): CustomerAuth) -> Result<Json<LoyaltyCard>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    Ok(Json(card(&state.db, &claims.brand, &profile).await?))
}

/// The signed-in member's points history, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/points",
    tag = "loyalty",
    security(("bearer" = [])),
    params(HistoryQuery),
    responses(
        (status = 200, body = PointsHistory),
        (status = 400, description = "`invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`invalid_token`", body = ErrorBody),
    )
)]
async fn my_history(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<PointsHistory>> {
    let profile = profiles::require_live(&state.db, &claims.brand, &claims.sub).await?;
    settled_account(&state.db, &claims.brand, &profile).await?;
    let mut conn = state.db.read().acquire().await?;
    Ok(Json(history(&mut conn, &claims.brand, &profile, &q).await?))
}

/// Most points entries and vouchers one data export carries.
const MAX_EXPORTED: i64 = 100_000;

/// Adds a member's points history and vouchers to their data export.
pub async fn export(
    conn: &mut AnyConnection,
    brand_id: &str,
    profile_id: &str,
    export: &mut app::api::ProfileExport,
) -> Result<()> {
    export.vouchers = super::vouchers::of_member(conn, brand_id, profile_id, MAX_EXPORTED).await?;
    let mut page = HistoryQuery {
        limit: Some(100),
        cursor: None,
    };
    loop {
        let history = history(conn, brand_id, profile_id, &page).await?;
        export.points.extend(history.entries);
        match history.next_cursor {
            Some(next) if (export.points.len() as i64) < MAX_EXPORTED => page.cursor = Some(next),
            _ => break,
        }
    }
    Ok(())
}
