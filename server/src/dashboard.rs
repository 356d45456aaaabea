//! The console's dashboard: a brand's activity over a period, day by day in Vietnam's calendar (sign-ups, active
//! members, points issued, redeemed and expired, game plays, survey responses) with its totals and rates. It only
//! reads: the log, the ledger, the plays and the responses, each by brand and time.

use std::collections::BTreeMap;

use app::api::{Dashboard, DayStats, ErrorBody, ErrorCode, EventType};
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    auth::extract::AdminAuth,
    error::{Error, Json, Query, Result},
};

/// The dashboard's route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dashboard))
}

/// A day, in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
/// Vietnam is UTC+7 all year: a day number is `(ms + OFFSET) / DAY_MS`.
pub const OFFSET_MS: i64 = 7 * 3_600_000;

/// The period.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// Days ending today, 7 to 365 (default 30).
    days: Option<i64>,
}

/// A brand's activity over the last `days` days, day by day, with totals.
#[utoipa::path(
    get,
    path = "/api/v1/admin/dashboard",
    tag = "admin",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, body = Dashboard),
        (status = 403, description = "`admins_only`", body = ErrorBody),
        (status = 422, description = "`invalid_period` (days outside 7–365)", body = ErrorBody),
    )
)]
async fn dashboard(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Dashboard>> {
    let days = q.days.unwrap_or(30);
    if !(7..=365).contains(&days) {
        return Err(Error::unprocessable(
            ErrorCode::InvalidPeriod,
            "A period is 7 to 365 days.",
        ));
    }
    let brand = claims.brand.as_str();
    let today = (state.clock.now_ms() + OFFSET_MS) / DAY_MS;
    let first_day = today - (days - 1);
    let from = first_day * DAY_MS - OFFSET_MS;
    let mut by_day: BTreeMap<i64, DayStats> = (first_day..=today)
        .map(|d| {
            (
                d,
                DayStats {
                    day: day_label(d),
                    ..DayStats::default()
                },
            )
        })
        .collect();
    let db = state.db.read();
    let day_of = |column: &str| format!("CAST(({column} + {OFFSET_MS}) / {DAY_MS} AS BIGINT)");

    // A sign-up is a person's first session.
    let sql = format!(
        "SELECT {}, COUNT(*) FROM (SELECT MIN(occurred_at) AS first FROM events WHERE brand_id = $1 \
         AND type = 'session_started' GROUP BY profile_id) f WHERE first >= $2 GROUP BY 1",
        day_of("first")
    );
    let rows = sqlx::query_as(&sql).bind(brand).bind(from).fetch_all(db).await?;
    fill(&mut by_day, rows, |s, n| s.sign_ups = n);
    let activity = EventType::ALL
        .iter()
        .filter(|t| t.is_activity())
        .map(|t| format!("'{}'", t.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let active_filter = format!("FROM events WHERE brand_id = $1 AND occurred_at >= $2 AND type IN ({activity})");
    let sql = format!(
        "SELECT {}, COUNT(DISTINCT profile_id) {active_filter} GROUP BY 1",
        day_of("occurred_at")
    );
    let rows = sqlx::query_as(&sql).bind(brand).bind(from).fetch_all(db).await?;
    fill(&mut by_day, rows, |s, n| s.active_members = n);
    let (active_total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(DISTINCT profile_id) {active_filter}"))
        .bind(brand)
        .bind(from)
        .fetch_one(db)
        .await?;

    let sql = format!(
        "SELECT {}, CAST(COALESCE(SUM(CASE WHEN kind = 'earn' THEN ABS(points) ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'redeem' THEN ABS(points) ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'expire' THEN ABS(points) ELSE 0 END), 0) AS BIGINT) \
         FROM points_entries WHERE brand_id = $1 AND created_at >= $2 GROUP BY 1",
        day_of("created_at")
    );
    for (day, issued, redeemed, expired) in sqlx::query_as::<_, (i64, i64, i64, i64)>(&sql)
        .bind(brand)
        .bind(from)
        .fetch_all(db)
        .await?
    {
        if let Some(s) = by_day.get_mut(&day) {
            (s.points_issued, s.points_redeemed, s.points_expired) = (issued, redeemed, expired);
        }
    }

    let mut people = [0_i64; 2];
    for (i, table) in ["game_plays", "survey_responses"].into_iter().enumerate() {
        let sql = format!(
            "SELECT {}, COUNT(*) FROM {table} WHERE brand_id = $1 AND created_at >= $2 GROUP BY 1",
            day_of("created_at")
        );
        let rows = sqlx::query_as(&sql).bind(brand).bind(from).fetch_all(db).await?;
        if i == 0 {
            fill(&mut by_day, rows, |s, n| s.game_plays = n);
        } else {
            fill(&mut by_day, rows, |s, n| s.survey_responses = n);
        }
        let sql = format!("SELECT COUNT(DISTINCT profile_id) FROM {table} WHERE brand_id = $1 AND created_at >= $2");
        (people[i],) = sqlx::query_as(&sql).bind(brand).bind(from).fetch_one(db).await?;
    }

    let series: Vec<DayStats> = by_day.into_values().collect();
    let sum = |f: fn(&DayStats) -> i64| series.iter().map(f).fold(0_i64, i64::saturating_add);
    let totals = DayStats {
        day: String::new(),
        sign_ups: sum(|s| s.sign_ups),
        active_members: active_total,
        points_issued: sum(|s| s.points_issued),
        points_redeemed: sum(|s| s.points_redeemed),
        points_expired: sum(|s| s.points_expired),
        game_plays: sum(|s| s.game_plays),
        survey_responses: sum(|s| s.survey_responses),
    };
    let redemption_rate_bp = (totals.points_issued > 0).then(|| {
        let rate = i128::from(totals.points_redeemed) * 10_000 / i128::from(totals.points_issued);
        i64::try_from(rate).unwrap_or(i64::MAX)
    });
    let (members, _) = crate::admin::member_counts(&state, brand).await?;
    Ok(Json(Dashboard {
        days,
        members,
        series,
        totals,
        redemption_rate_bp,
        game_players: people[0],
        survey_respondents: people[1],
    }))
}

/// Puts each (day, count) row into its day of the period.
fn fill(by_day: &mut BTreeMap<i64, DayStats>, rows: Vec<(i64, i64)>, set: fn(&mut DayStats, i64)) {
    for (day, n) in rows {
        if let Some(stats) = by_day.get_mut(&day) {
            set(stats, n);
        }
    }
}

/// Day number `day` (days since 1970-01-01 in Vietnam) as `2026-12-01`.
pub fn day_label(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_vietnam_calendar_days() {
        // 2026-12-01T17:30:00Z is already the 2nd in Hà Nội.
        let ms = 1_796_146_200_000_i64;
        assert_eq!(day_label((ms + OFFSET_MS) / DAY_MS), "2026-12-02");
        assert_eq!(day_label((ms - 3_600_000 * 7 + OFFSET_MS) / DAY_MS), "2026-12-01");
    }
}
