//! What a campaign brought, as plain queries over its touches and attributions: the funnel click → lead → visit →
//! purchase with revenue, by store and by Vietnam's day, and the same as CSV for Excel.

use app::api::{CampaignReport, CustomerGroups, ErrorBody, ErrorCode, Funnel, ReportQuery, ReportRow};
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{Duration, NaiveDate};
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{Path, Query};
use crate::{
    AppState,
    auth::extract::AdminAuth,
    error::{Error, Json, Result},
    loyalty::time,
    platform::spreadsheet,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Vietnam is UTC+7 all year.
const VN_OFFSET_MS: i64 = 7 * 60 * 60 * 1000;

/// Adds conversions (event type, count, value) to a funnel.
fn add(funnel: &mut Funnel, event_type: &str, count: i64, value: i64) {
    if super::attribution::is_purchase(event_type) {
        funnel.purchases = funnel.purchases.saturating_add(count);
        funnel.revenue_vnd = funnel.revenue_vnd.saturating_add(value);
    } else {
        funnel.visits = funnel.visits.saturating_add(count);
    }
}

/// A campaign's funnel over `[from, to)` (epoch ms).
pub(super) async fn funnel(conn: &mut AnyConnection, campaign_id: &str, from: i64, to: i64) -> Result<Funnel> {
    let (clicks, leads): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT profile_id) FROM touches \
         WHERE campaign_id = $1 AND touched_at >= $2 AND touched_at < $3",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let mut out = Funnel {
        clicks,
        leads,
        ..Funnel::default()
    };
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT event_type, COUNT(*), CAST(SUM(value_vnd) AS BIGINT) FROM attributions \
         WHERE campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY event_type",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    for (event_type, count, value) in rows {
        add(&mut out, &event_type, count, value.unwrap_or(0));
    }
    let (first,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM attributions WHERE first_campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    out.first_touch_conversions = first;
    Ok(out)
}

/// The people a campaign brought over `[from, to)`, each in one group: first-time buyers, returning buyers,
/// visitors who bought nothing it was credited with, and leads who have done neither.
async fn groups(conn: &mut AnyConnection, campaign_id: &str, from: i64, to: i64) -> Result<CustomerGroups> {
    let (first, returning, visitors): (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN first = 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN first = 0 AND bought = 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN bought = 0 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM (SELECT profile_id, MAX(first_purchase) AS first, \
         MAX(CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END) AS bought FROM attributions \
         WHERE campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY profile_id) p",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let (leads_only,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT t.profile_id) FROM touches t \
         WHERE t.campaign_id = $1 AND t.touched_at >= $2 AND t.touched_at < $3 AND t.profile_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM attributions a WHERE a.campaign_id = t.campaign_id \
         AND a.profile_id = t.profile_id AND a.occurred_at >= $2 AND a.occurred_at < $3)",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    Ok(CustomerGroups {
        first_time_buyers: first.unwrap_or(0),
        returning_buyers: returning.unwrap_or(0),
        visitors: visitors.unwrap_or(0),
        leads_only,
    })
}

/// The days asked for: the last 30 to today unless given; at most 366.
fn days(q: &ReportQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        Error::unprocessable(
            ErrorCode::InvalidDay,
            "A day is YYYY-MM-DD; a report covers 1 to 366 days.",
        )
    };
    let parse = |text: &Option<String>| match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| bad()),
    };
    let to = parse(&q.to)?.unwrap_or(today);
    let from = parse(&q.from)?.unwrap_or(to - Duration::days(29));
    if from > to || (to - from).num_days() > 365 {
        return Err(bad());
    }
    Ok((from, to))
}

/// Epoch ms of the start of a Vietnam day.
fn start_of(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - VN_OFFSET_MS)
        .unwrap_or(0)
}

async fn build(
    conn: &mut AnyConnection,
    brand_id: &str,
    id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CampaignReport> {
    let (name,): (String,) = sqlx::query_as("SELECT name FROM campaigns WHERE id = $1 AND brand_id = $2")
        .bind(id)
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(super::admin::unknown)?;
    let (start, end) = (start_of(from), start_of(to) + DAY_MS);
    let total = funnel(conn, id, start, end).await?;
    let groups = groups(conn, id, start, end).await?;

    let stores: Vec<(Option<String>, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT s.name, a.event_type, COUNT(*), CAST(SUM(a.value_vnd) AS BIGINT) FROM attributions a \
         JOIN stores s ON s.id = a.store_id \
         WHERE a.campaign_id = $1 AND a.occurred_at >= $2 AND a.occurred_at < $3 GROUP BY s.name, a.event_type",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_store: Vec<ReportRow> = Vec::new();
    for (store, event_type, count, value) in stores {
        let label = store.unwrap_or_default();
        let at = match by_store.iter().position(|r| r.label == label) {
            Some(i) => i,
            None => {
                by_store.push(ReportRow {
                    label,
                    funnel: Funnel::default(),
                });
                by_store.len() - 1
            }
        };
        add(&mut by_store[at].funnel, &event_type, count, value.unwrap_or(0));
    }
    by_store.sort_by(|a, b| {
        b.funnel
            .revenue_vnd
            .cmp(&a.funnel.revenue_vnd)
            .then(a.label.cmp(&b.label))
    });

    // Every day of the range, then what each day had (days counted from the epoch in Vietnam's time).
    let first_day = (start + VN_OFFSET_MS).div_euclid(DAY_MS);
    let mut by_day: Vec<ReportRow> = (0..=(to - from).num_days())
        .map(|n| ReportRow {
            label: (from + Duration::days(n)).format("%Y-%m-%d").to_string(),
            funnel: Funnel::default(),
        })
        .collect();
    let slot = |day: i64| usize::try_from(day - first_day).ok();
    let touches: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT (touched_at + $4) / $5, COUNT(*), COUNT(DISTINCT profile_id) FROM touches \
         WHERE campaign_id = $1 AND touched_at >= $2 AND touched_at < $3 GROUP BY (touched_at + $4) / $5",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .bind(VN_OFFSET_MS)
    .bind(DAY_MS)
    .fetch_all(&mut *conn)
    .await?;
    for (day, clicks, leads) in touches {
        if let Some(row) = slot(day).and_then(|i| by_day.get_mut(i)) {
            row.funnel.clicks = clicks;
            row.funnel.leads = leads;
        }
    }
    let conversions: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT (occurred_at + $4) / $5, event_type, COUNT(*), CAST(SUM(value_vnd) AS BIGINT) FROM attributions \
         WHERE campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3 \
         GROUP BY (occurred_at + $4) / $5, event_type",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .bind(VN_OFFSET_MS)
    .bind(DAY_MS)
    .fetch_all(&mut *conn)
    .await?;
    for (day, event_type, count, value) in conversions {
        if let Some(row) = slot(day).and_then(|i| by_day.get_mut(i)) {
            add(&mut row.funnel, &event_type, count, value.unwrap_or(0));
        }
    }
    Ok(CampaignReport {
        campaign: name,
        from: from.format("%Y-%m-%d").to_string(),
        to: to.format("%Y-%m-%d").to_string(),
        total,
        by_store,
        by_day,
        groups,
    })
}

fn csv(report: &CampaignReport, lang: &spreadsheet::CsvLanguage) -> String {
    let head = [
        lang.pick(("Ngày", "Day")),
        lang.pick(("Lượt bấm", "Clicks")),
        lang.pick(("Khách tiềm năng", "Leads")),
        lang.pick(("Lượt ghé", "Visits")),
        lang.pick(("Lượt mua", "Purchases")),
        lang.pick(("Doanh thu (đồng)", "Revenue (VND)")),
        lang.pick(("Chuyển đổi chạm đầu", "First-touch conversions")),
    ];
    let mut out = format!("{}{}", spreadsheet::BOM, spreadsheet::line(&head));
    for row in &report.by_day {
        let f = &row.funnel;
        let fields = [
            row.label.clone(),
            f.clicks.to_string(),
            f.leads.to_string(),
            f.visits.to_string(),
            f.purchases.to_string(),
            f.revenue_vnd.to_string(),
            f.first_touch_conversions.to_string(),
        ];
        out.push_str(&spreadsheet::line(&fields));
    }
    out
}

/// A campaign's funnel over some days: in all, by store and by day; `format=csv` for a spreadsheet of the days.
#[utoipa::path(
    get,
    path = "/api/v1/admin/campaigns/{id}/report",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id"), ReportQuery),
    responses(
        (status = 200, body = CampaignReport),
        (status = 200, content_type = "text/csv", description = "With `format=csv`"),
        (status = 404, description = "`unknown_campaign`", body = ErrorBody),
        (status = 422, description = "`invalid_day`", body = ErrorBody),
    )
)]
async fn report(
    State(state): State<AppState>,
    AdminAuth(claims): AdminAuth,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response> {
    let today = time::local(state.clock.now_ms()).date_naive();
    let (from, to) = days(&q, today)?;
    let mut conn = state.db.read().acquire().await?;
    let report = build(&mut conn, &claims.brand, &id, from, to).await?;
    if q.format.as_deref() == Some("csv") {
        let lang = spreadsheet::CsvLanguage { lang: q.lang.clone() };
        let name = format!("attachment; filename=\"campaign-{}-{}.csv\"", report.from, report.to);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, name),
            ],
            csv(&report, &lang),
        )
            .into_response());
    }
    Ok(Json(report).into_response())
}
