//! The dashboard on the console's overview: the period's totals and rates, and a bar chart per measure, day by
//! day (Vietnam's calendar), for 7, 30 or 90 days.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
    forms::percent,
};
use crate::api::{Dashboard, DayStats};

/// The dashboard, with its period picker.
#[component]
pub fn DashboardView() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let days = RwSignal::new(30_i64);
    let board = RwSignal::new(None::<Dashboard>);
    let error = RwSignal::new(None::<ApiFailure>);
    Effect::new(move |_| {
        let period = days.get();
        let api = api.clone();
        board.set(None);
        spawn_local(async move {
            match api
                .get_as::<Dashboard>(SURFACE, &format!("/api/v1/admin/dashboard?days={period}"))
                .await
            {
                Ok(b) => board.set(Some(b)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let pick = move |n: i64| {
        view! {
            <button type="button" class="period" class:active=move || days.get() == n data-days=n
                on:click=move |_| days.set(n)>
                {n} " " {move || i18n.t("days_short")}
            </button>
        }
    };
    view! {
        <section class="dashboard">
            <div class="dashboard-head">
                <h2>{move || i18n.t("dashboard")}</h2>
                <div class="periods" role="group">{pick(7)} {pick(30)} {pick(90)}</div>
            </div>
            <ErrorNotice error=error/>
            {move || match board.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(b) => view! { <Board board=b/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Board(board: Dashboard) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let t = board.totals.clone();
    let stat = move |value: String, key: &'static str, class: &'static str| {
        view! {
            <div class="stat">
                <div class=format!("stat-value {class}")>{value}</div>
                <div class="stat-label">{move || i18n.t(key)}</div>
            </div>
        }
    };
    let rate_bp = board.redemption_rate_bp;
    let rate = move || rate_bp.map_or_else(|| "—".to_owned(), |bp| percent(bp, i18n.lang()));
    let series = board.series;
    let chart = |key: &'static str, class: &'static str, value: fn(&DayStats) -> i64| {
        let values: Vec<(String, i64)> = series.iter().map(|d| (d.day.clone(), value(d))).collect();
        view! { <BarChart title=key class=class values=values/> }
    };
    view! {
        <div class="stats">
            {stat(t.sign_ups.to_string(), "sign_ups", "sign-ups")}
            {stat(t.active_members.to_string(), "active_members", "active-members")}
            {stat(t.points_issued.to_string(), "points_issued", "points-issued")}
            {stat(t.points_redeemed.to_string(), "points_redeemed", "points-redeemed")}
            {stat(t.points_expired.to_string(), "points_expired", "points-expired")}
            <div class="stat">
                <div class="stat-value redemption-rate">{rate}</div>
                <div class="stat-label">{move || i18n.t("redemption_rate")}</div>
            </div>
            {stat(format!("{} / {}", board.game_players, t.game_plays), "game_participation", "game-participation")}
            {stat(format!("{} / {}", board.survey_respondents, t.survey_responses), "survey_participation", "survey-participation")}
        </div>
        <div class="charts">
            {chart("sign_ups", "sign-ups", |d| d.sign_ups)}
            {chart("active_members", "active-members", |d| d.active_members)}
            {chart("points_issued", "points-issued", |d| d.points_issued)}
            {chart("points_redeemed", "points-redeemed", |d| d.points_redeemed)}
            {chart("points_expired", "points-expired", |d| d.points_expired)}
            {chart("game_plays", "game-plays", |d| d.game_plays)}
            {chart("survey_responses", "survey-responses", |d| d.survey_responses)}
        </div>
    }
}

/// `2026-12-01` as `01/12`.
fn short_day(day: &str) -> String {
    let mut parts = day.split('-').skip(1);
    match (parts.next(), parts.next()) {
        (Some(month), Some(d)) => format!("{d}/{month}"),
        _ => day.to_owned(),
    }
}

/// One measure as bars, a day each; the tallest day's value and the first and last days are written out.
#[component]
pub(super) fn BarChart(title: &'static str, class: &'static str, values: Vec<(String, i64)>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = values.len().max(1);
    let width = n * 10;
    let first = values.first().map(|(d, _)| short_day(d)).unwrap_or_default();
    let last = values.last().map(|(d, _)| short_day(d)).unwrap_or_default();
    let total: i64 = values.iter().map(|(_, v)| *v).fold(0, i64::saturating_add);
    let bars = values
        .into_iter()
        .enumerate()
        .map(|(i, (day, v))| {
            let h = (v as f64 / max as f64 * 56.0).max(if v > 0 { 1.0 } else { 0.0 });
            view! {
                <rect x=(i * 10 + 1).to_string() y=format!("{:.1}", 60.0 - h) width="8" height=format!("{h:.1}")>
                    <title>{format!("{}: {v}", short_day(&day))}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class=format!("chart {class}")>
            <figcaption>
                <span>{move || i18n.t(title)}</span>
                {(total > 0).then(|| view! { <span class="muted">{move || i18n.t("peak")} " " {max}</span> })}
            </figcaption>
            {if total == 0 {
                view! { <p class="muted chart-empty">{move || i18n.t("nothing_in_period")}</p> }.into_any()
            } else {
                view! {
                    <svg viewBox=format!("0 0 {width} 60") preserveAspectRatio="none" role="img">
                        {bars}
                    </svg>
                }.into_any()
            }}
            <div class="chart-axis muted"><span>{first}</span><span>{last}</span></div>
        </figure>
    }
}
