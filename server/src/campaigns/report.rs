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

/// Visits, purchases and revenue in one pass over the report index: conditional sums, no grouping, so SQLite
/// needs no sort however many rows there are.
const CONVERSIONS: &str = "CAST(COALESCE(SUM(CASE WHEN event_type = 'checked_in' THEN 1 ELSE 0 END), 0) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END), 0) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN event_type = 'checked_in' THEN 0 ELSE value_vnd END), 0) AS BIGINT)";

/// Adds visits, purchases and revenue to a funnel.
fn add(funnel: &mut Funnel, (visits, purchases, revenue): (i64, i64, i64)) {
    funnel.visits = funnel.visits.saturating_add(visits);
    funnel.purchases = funnel.purchases.saturating_add(purchases);
    funnel.revenue_vnd = funnel.revenue_vnd.saturating_add(revenue);
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
    let converted: (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT {CONVERSIONS} FROM attributions WHERE campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3"
    ))
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    add(&mut out, converted);
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
        // The days are tested inside the aggregates, not in WHERE: grouped by person along the people index (in
        // person order, so no sort), rather than gathered by day and sorted by person (four times slower at a
        // million rows on SQLite). A person with nothing in the days has -1 and is left out.
        "SELECT CAST(SUM(CASE WHEN first = 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN first = 0 AND bought = 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN bought = 0 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM (SELECT profile_id, \
         MAX(CASE WHEN occurred_at >= $2 AND occurred_at < $3 THEN first_purchase ELSE -1 END) AS first, \
         MAX(CASE WHEN occurred_at >= $2 AND occurred_at < $3 THEN \
         (CASE WHEN event_type = 'checked_in' THEN 0 ELSE 1 END) ELSE -1 END) AS bought \
         FROM attributions WHERE campaign_id = $1 GROUP BY profile_id) p WHERE bought >= 0",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let (leads_only,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT DISTINCT profile_id FROM touches \
         WHERE campaign_id = $1 AND touched_at >= $2 AND touched_at < $3 AND profile_id IS NOT NULL) t \
         WHERE NOT EXISTS (SELECT 1 FROM attributions a WHERE a.campaign_id = $1 \
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
    let groups = groups(conn, id, start, end).await?;

    // Day by day (Vietnam's days), each store's visits, purchases and revenue: a day's slice of the report
    // index at a time, so the grouping sorts one day's rows, never the campaign's.
    let names: std::collections::HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, name FROM stores WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let mut by_store: Vec<ReportRow> = Vec::new();
    let mut by_day = Vec::new();
    for n in 0..=(to - from).num_days() {
        let day = from + Duration::days(n);
        let (day_start, day_end) = (start_of(day), start_of(day) + DAY_MS);
        let mut row = ReportRow {
            label: day.format("%Y-%m-%d").to_string(),
            funnel: Funnel::default(),
        };
        let (clicks, leads): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT profile_id) FROM touches \
             WHERE campaign_id = $1 AND touched_at >= $2 AND touched_at < $3",
        )
        .bind(id)
        .bind(day_start)
        .bind(day_end)
        .fetch_one(&mut *conn)
        .await?;
        (row.funnel.clicks, row.funnel.leads) = (clicks, leads);
        let stores: Vec<(Option<String>, i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT store_id, {CONVERSIONS} FROM attributions \
             WHERE campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY store_id"
        ))
        .bind(id)
        .bind(day_start)
        .bind(day_end)
        .fetch_all(&mut *conn)
        .await?;
        for (store, visits, purchases, revenue) in stores {
            add(&mut row.funnel, (visits, purchases, revenue));
            // Online purchases under no store stay out of the by-store table.
            let Some(label) = store.and_then(|s| names.get(&s).cloned()) else {
                continue;
            };
            match by_store.iter_mut().find(|r| r.label == label) {
                Some(r) => add(&mut r.funnel, (visits, purchases, revenue)),
                None => {
                    let mut r = ReportRow {
                        label,
                        funnel: Funnel::default(),
                    };
                    add(&mut r.funnel, (visits, purchases, revenue));
                    by_store.push(r);
                }
            }
        }
        by_day.push(row);
    }
    // The total is the days added up, but for people (each counted once over the days) and first touches.
    let mut total = Funnel::default();
    for day in &by_day {
        total.clicks = total.clicks.saturating_add(day.funnel.clicks);
        add(
            &mut total,
            (day.funnel.visits, day.funnel.purchases, day.funnel.revenue_vnd),
        );
    }
    let (leads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT profile_id) FROM touches WHERE campaign_id = $1 AND touched_at >= $2 AND touched_at < $3",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .fetch_one(&mut *conn)
    .await?;
    let (first,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM attributions WHERE first_campaign_id = $1 AND occurred_at >= $2 AND occurred_at < $3",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .fetch_one(&mut *conn)
    .await?;
    (total.leads, total.first_touch_conversions) = (leads, first);
    by_store.sort_by(|a, b| {
        b.funnel
            .revenue_vnd
            .cmp(&a.funnel.revenue_vnd)
            .then(a.label.cmp(&b.label))
    });
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
