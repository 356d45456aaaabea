//! The console's view of points: a member's card and history, manual adjustments and reversals (audited: every
//! entry names its admin and reason), and the liability report.

use app::api::ErrorCode;
use std::collections::BTreeMap;

use app::api::{AdjustRequest, ErrorBody, ExpiringMonth, Liability, MemberPoints, ReverseRequest};
use axum::{extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    config,
    ledger::{self, Credit, Debit, Kind, Source, days},
    member::{HistoryQuery, card, history},
    time::{DAY_MS, month_label},
};
use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    db::{Db, now_ms},
    error::{Error, Json, Result},
    profiles,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(member_points, adjust))
        .routes(routes!(reverse))
        .routes(routes!(liability))
}

async fn points_of(db: &Db, brand_id: &str, profile_id: &str, q: &HistoryQuery) -> Result<MemberPoints> {
    let card = card(db, brand_id, profile_id).await?;
    let mut conn = db.read().acquire().await?;
    let history = history(&mut conn, brand_id, profile_id, q).await?;
    Ok(MemberPoints { card, history })
}

/// A customer's loyalty card and points history.
#[utoipa::path(
    get,
    path = "/api/v1/admin/profiles/{id}/points",
    tag = "loyalty",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id"), HistoryQuery),
    responses((status = 200, body = MemberPoints), (status = 404, description = "`unknown_profile`", body = ErrorBody))
)]
async fn member_points(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<MemberPoints>> {
    let id = profiles::console_profile(&state.db, &claims.brand, &id).await?;
    Ok(Json(points_of(&state.db, &claims.brand, &id, &q).await?))
}

fn reason_of(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(Error::unprocessable(
            ErrorCode::ReasonRequired,
            "Say why, in at most 300 characters: the reason is kept for the audit trail.",
        ));
    }
    Ok(reason.to_owned())
}

/// Adds or removes points by hand, with a reason kept on the entry and the member's timeline.
#[utoipa::path(
    post,
    path = "/api/v1/admin/profiles/{id}/points",
    tag = "loyalty",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Profile id")),
    request_body = AdjustRequest,
    responses(
        (status = 200, body = MemberPoints),
        (status = 403, description = "`admins_only` (store staff cannot adjust points)", body = ErrorBody),
        (status = 404, description = "`unknown_profile`", body = ErrorBody),
        (status = 409, description = "`insufficient_points`", body = ErrorBody),
        (status = 422, description = "`invalid_points`, `reason_required`, `invalid_idempotency_key`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(admin = %claims.sub, profile = %id))]
async fn adjust(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(req): Json<AdjustRequest>,
) -> Result<Json<MemberPoints>> {
    if req.points == 0 || req.points.unsigned_abs() > 100_000_000 {
        return Err(Error::unprocessable(
            ErrorCode::InvalidPoints,
            "An adjustment adds or removes between 1 and 100,000,000 points.",
        ));
    }
    if req.expiry_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidPoints,
            "Points expire after 1 to 3650 days, or never.",
        ));
    }
    let key = crate::platform::idempotency::key(&req.idempotency_key, "An adjustment")?;
    let reason = reason_of(&req.reason)?;
    let profile = profiles::console_profile(&state.db, &claims.brand, &id).await?;
    let brand = claims.brand.as_str();
    let now = now_ms();
    let source_key = format!("adjust:{profile}:{key}");
    let source = Source {
        kind: "admin",
        reference: &claims.sub,
        key: &source_key,
        label: None,
        reason: Some(&reason),
        actor: &claims.sub,
    };
    let mut tx = state.db.begin().await?;
    let account = ledger::lock(&mut tx, brand, &profile, now).await?;
    if req.points > 0 {
        let credit = Credit {
            kind: Kind::Adjust,
            points: req.points,
            available_at: now,
            expires_at: req.expiry_days.map(|d| now + days(d)),
            rule_id: None,
            source,
        };
        ledger::credit(&mut tx, brand, &profile, &credit, now).await?;
    } else {
        let debit = Debit {
            kind: Kind::Adjust,
            points: -req.points,
            source,
        };
        ledger::debit(&mut tx, brand, &profile, &debit, account.balance, now).await?;
    }
    tx.commit().await?;
    tracing::info!(points = req.points, %reason, "points adjusted");
    Ok(Json(
        points_of(
            &state.db,
            brand,
            &profile,
            &HistoryQuery {
                limit: None,
                cursor: None,
            },
        )
        .await?,
    ))
}

/// Reverses a ledger entry: an earning's points leave the balance (refused when they were already spent), a
/// redemption's points return to the lots they came from and its unused voucher is cancelled.
#[utoipa::path(
    post,
    path = "/api/v1/admin/points/{id}/reverse",
    tag = "loyalty",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Ledger entry id")),
    request_body = ReverseRequest,
    responses(
        (status = 200, body = MemberPoints),
        (status = 404, description = "`unknown_entry`", body = ErrorBody),
        (status = 409, description = "`already_reversed`, `not_reversible` (also points that paid an order, or a credit a refund took part of), `insufficient_points`, `voucher_used`", body = ErrorBody),
        (status = 422, description = "`reason_required`", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(admin = %claims.sub, entry = %id))]
async fn reverse(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Json(req): Json<ReverseRequest>,
) -> Result<Json<MemberPoints>> {
    let reason = reason_of(&req.reason)?;
    let brand = claims.brand.as_str();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let unknown = || Error::not_found(ErrorCode::UnknownEntry, "There is no such ledger entry.");
    let found = ledger::entry(&mut tx, brand, &id).await?.ok_or_else(unknown)?;
    // Lock first, then read the entry again: a concurrent posting may have changed its lot.
    let account = ledger::lock(&mut tx, brand, &found.profile_id, now).await?;
    let entry = ledger::entry(&mut tx, brand, &id).await?.ok_or_else(unknown)?;
    let reversal: Option<(String,)> = sqlx::query_as("SELECT id FROM points_entries WHERE reverses_id = $1")
        .bind(&entry.id)
        .fetch_optional(&mut *tx)
        .await?;
    if reversal.is_some() {
        return Err(already_reversed());
    }
    if entry.source_kind == "order" {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::NotReversible,
            "These points paid part of an order: refund the order to give them back.",
        ));
    }
    // A refund took part of this credit back already: reversing all of it would take those points twice.
    let (taken,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM points_entries WHERE brand_id = $1 AND source_kind = 'refund' AND source_key LIKE $2",
    )
    .bind(brand)
    .bind(format!("refund:%:{}", entry.id))
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(Error::new(
            StatusCode::CONFLICT,
            ErrorCode::NotReversible,
            "A refund already took part of these points back; adjust the balance by hand instead.",
        ));
    }
    if entry.kind == "redeem" {
        let cancelled = sqlx::query(
            "UPDATE vouchers SET status = 'cancelled' WHERE entry_id = $1 AND brand_id = $2 AND status = 'issued'",
        )
        .bind(&entry.id)
        .bind(brand)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if cancelled != 1 {
            return Err(Error::new(
                StatusCode::CONFLICT,
                ErrorCode::VoucherUsed,
                "The voucher of this redemption was used or has expired; its points cannot come back.",
            ));
        }
        sqlx::query("UPDATE rewards SET stock = stock + 1 WHERE id = $1 AND stock IS NOT NULL")
            .bind(&entry.source_ref)
            .execute(&mut *tx)
            .await?;
    }
    let reversed = ledger::reverse(&mut tx, brand, &entry, account.balance, &reason, &claims.sub, now).await?;
    if reversed.is_none() {
        return Err(already_reversed());
    }
    tx.commit().await?;
    tracing::info!(%reason, "ledger entry reversed");
    Ok(Json(
        points_of(
            &state.db,
            brand,
            &entry.profile_id,
            &HistoryQuery {
                limit: None,
                cursor: None,
            },
        )
        .await?,
    ))
}

fn already_reversed() -> Error {
    Error::new(
        StatusCode::CONFLICT,
        ErrorCode::AlreadyReversed,
        "This entry was reversed already.",
    )
}

/// What the brand owes its members in points: outstanding, pending, and when the spendable points expire.
#[utoipa::path(
    get,
    path = "/api/v1/admin/loyalty/liability",
    tag = "loyalty",
    security(("bearer" = [])),
    responses((status = 200, body = Liability), (status = 403, description = "`admins_only`", body = ErrorBody))
)]
async fn liability(State(state): State<AppState>, AdminAuth(claims): AdminAuth) -> Result<Json<Liability>> {
    let db = state.db.read();
    // An erased or merged-away profile's points are owed to no one: only live members count.
    let (outstanding, pending, members): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(a.balance), 0) AS BIGINT), CAST(COALESCE(SUM(a.pending), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN a.balance > 0 OR a.pending > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM points_accounts a JOIN profiles p ON p.id = a.profile_id \
         WHERE a.brand_id = $1 AND p.erased_at IS NULL AND p.merged_into IS NULL",
    )
    .bind(&claims.brand)
    .fetch_one(db)
    .await?;
    // Grouped by business day in SQL (portable integer arithmetic), then by month here.
    let by_day: Vec<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT (e.expires_at + 25200000) / 86400000 AS day, CAST(SUM(e.remaining) AS BIGINT) \
         FROM points_entries e JOIN profiles p ON p.id = e.profile_id \
         WHERE e.brand_id = $1 AND e.remaining > 0 AND e.posted = 1 AND p.erased_at IS NULL \
         AND p.merged_into IS NULL GROUP BY (e.expires_at + 25200000) / 86400000",
    )
    .bind(&claims.brand)
    .fetch_all(db)
    .await?;
    let mut months: BTreeMap<String, i64> = BTreeMap::new();
    let mut never_expiring = 0;
    for (day, points) in by_day {
        match day {
            None => never_expiring += points,
            Some(day) => *months.entry(month_label(day * DAY_MS - 25_200_000)).or_default() += points,
        }
    }
    let (open_vouchers,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM vouchers v JOIN profiles p ON p.id = v.profile_id \
         WHERE v.brand_id = $1 AND v.status = 'issued' AND v.expires_at > $2 AND p.erased_at IS NULL \
         AND p.merged_into IS NULL",
    )
    .bind(&claims.brand)
    .bind(state.clock.now_ms())
    .fetch_one(db)
    .await?;
    let mut conn = db.acquire().await?;
    let point_value_vnd = config::get(&mut conn, &claims.brand).await?.settings.point_value_vnd;
    let in_vnd = |points: i64| point_value_vnd.and_then(|v| v.checked_mul(points));
    Ok(Json(Liability {
        outstanding,
        pending,
        members,
        never_expiring,
        expiring_by_month: months
            .into_iter()
            .map(|(month, points)| ExpiringMonth { month, points })
            .collect(),
        open_vouchers,
        point_value_vnd,
        outstanding_vnd: in_vnd(outstanding),
        pending_vnd: in_vnd(pending),
    }))
}
