//! What a campaign brought, read from its rollup ([`super::rollup`]): the funnel click → lead → visit → purchase
//! with revenue, by store and by Vietnam's day, the people by group, and the same as CSV for Excel. A report over
//! a million attributions reads a row per day and store and one pass over its people.

use std::collections::HashMap;

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

/// A campaign's day at one store (`''`: clicks, and purchases under no store).
#[derive(sqlx::FromRow)]
struct DayRow {
    day: i64,
    store_id: String,
    clicks: i64,
    visits: i64,
    purchases: i64,
    revenue_vnd: i64,
    first_touches: i64,
}

/// Adds a day's counts (all but the leads) to a funnel.
fn add(funnel: &mut Funnel, row: &DayRow) {
    funnel.clicks = funnel.clicks.saturating_add(row.clicks);
    funnel.visits = funnel.visits.saturating_add(row.visits);
    funnel.purchases = funnel.purchases.saturating_add(row.purchases);
    funnel.revenue_vnd = funnel.revenue_vnd.saturating_add(row.revenue_vnd);
    funnel.first_touch_conversions = funnel.first_touch_conversions.saturating_add(row.first_touches);
}

/// The campaign's days `[from, to]` (Vietnam days), each store's row, in day order.
async fn day_rows(conn: &mut AnyConnection, campaign_id: &str, from: i64, to: i64) -> Result<Vec<DayRow>> {
    Ok(sqlx::query_as(
        "SELECT day, store_id, clicks, visits, purchases, revenue_vnd, first_touches FROM campaign_days \
         WHERE campaign_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, store_id",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}

/// A campaign's funnel over Vietnam days `[from, to]`.
pub(super) async fn funnel(conn: &mut AnyConnection, campaign_id: &str, from: i64, to: i64) -> Result<Funnel> {
    let mut out = Funnel::default();
    for row in day_rows(conn, campaign_id, from, to).await? {
        add(&mut out, &row);
    }
    let (leads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT profile_id) FROM campaign_people \
         WHERE campaign_id = $1 AND touched = 1 AND day >= $2 AND day <= $3",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    out.leads = leads;
    Ok(out)
}

/// The people a campaign brought over Vietnam days `[from, to]`, each in one group (first-time buyers,
/// returning buyers, visitors who bought nothing it was credited with, leads who have done neither), and how
/// many leads there were.
async fn people(conn: &mut AnyConnection, campaign_id: &str, from: i64, to: i64) -> Result<(CustomerGroups, i64)> {
    let counts: (i64, i64, i64, i64, i64) = sqlx::query_as(
        // The days are tested inside the aggregates, not in WHERE: grouped by person along the primary key (in
        // person order, so no sort). A person with nothing in the days has -1 and is left out.
        "SELECT CAST(COALESCE(SUM(CASE WHEN first_buy = 1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN first_buy = 0 AND bought = 1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN converted = 1 AND bought = 0 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN touched = 1 AND converted = 0 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN touched = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM (SELECT profile_id, \
         MAX(CASE WHEN day >= $2 AND day <= $3 THEN touched ELSE -1 END) AS touched, \
         MAX(CASE WHEN day >= $2 AND day <= $3 THEN converted ELSE -1 END) AS converted, \
         MAX(CASE WHEN day >= $2 AND day <= $3 THEN bought ELSE -1 END) AS bought, \
         MAX(CASE WHEN day >= $2 AND day <= $3 THEN first_buy ELSE -1 END) AS first_buy \
         FROM campaign_people WHERE campaign_id = $1 GROUP BY profile_id) p WHERE touched >= 0",
    )
    .bind(campaign_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let (first_time_buyers, returning_buyers, visitors, leads_only, leads) = counts;
    let groups = CustomerGroups {
        first_time_buyers,
        returning_buyers,
        visitors,
        leads_only,
    };
    Ok((groups, leads))
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

/// A calendar date as the rollup's day number: a Vietnam day's number is its date's days since 1970-01-01.
fn day_number(day: NaiveDate) -> i64 {
    (day - NaiveDate::default()).num_days()
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
    let (first_day, last_day) = (day_number(from), day_number(to));
    let (groups, leads) = people(conn, id, first_day, last_day).await?;
    let leads_by_day: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(
        "SELECT day, COUNT(*) FROM campaign_people WHERE campaign_id = $1 AND touched = 1 \
         AND day >= $2 AND day <= $3 GROUP BY day",
    )
    .bind(id)
    .bind(first_day)
    .bind(last_day)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let names: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, name FROM stores WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();

    let rows = day_rows(conn, id, first_day, last_day).await?;
    let mut total = Funnel {
        leads,
        ..Funnel::default()
    };
    let mut by_store: Vec<ReportRow> = Vec::new();
    let mut by_day: Vec<ReportRow> = (0..=(to - from).num_days())
        .map(|n| ReportRow {
            label: (from + Duration::days(n)).format("%Y-%m-%d").to_string(),
            funnel: Funnel {
                leads: leads_by_day.get(&(first_day + n)).copied().unwrap_or(0),
                ..Funnel::default()
            },
        })
        .collect();
    for row in &rows {
        add(&mut total, row);
        if let Some(day) = usize::try_from(row.day - first_day)
            .ok()
            .and_then(|i| by_day.get_mut(i))
        {
            add(&mut day.funnel, row);
        }
        // Clicks and online purchases under no store stay out of the by-store table.
        let Some(label) = names.get(&row.store_id).cloned() else {
            continue;
        };
        match by_store.iter_mut().find(|r| r.label == label) {
            Some(r) => add(&mut r.funnel, row),
            None => {
                let mut r = ReportRow {
                    label,
                    funnel: Funnel::default(),
                };
                add(&mut r.funnel, row);
                by_store.push(r);
            }
        }
    }
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
