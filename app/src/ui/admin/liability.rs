//! The liability report: the points the brand owes its members, and when they expire, month by month.

use leptos::{prelude::*, task::spawn_local};

use super::{
    super::{
        api::{Api, ApiFailure},
        i18n::I18n,
        notice::ErrorNotice,
    },
    SURFACE,
};
use crate::{api::Liability, domain::format_vnd};

/// The liability page.
#[component]
pub fn LiabilityPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let i18n = expect_context::<I18n>();
    let report = RwSignal::new(None::<Liability>);
    let error = RwSignal::new(None::<ApiFailure>);
    spawn_local(async move {
        match api
            .get_as::<Liability>(SURFACE, "/api/v1/admin/loyalty/liability")
            .await
        {
            Ok(r) => report.set(Some(r)),
            Err(e) => error.set(Some(e)),
        }
    });
    let stat = move |value: i64, key: &'static str, class: &'static str| {
        view! {
            <div class="stat">
                <div class=format!("stat-value {class}")>{value}</div>
                <div class="stat-label">{move || i18n.t(key)}</div>
            </div>
        }
    };
    view! {
        <section class="liability">
            <h1>{move || i18n.t("nav_liability")}</h1>
            <ErrorNotice error=error/>
            {move || match report.get() {
                None => view! { <p class="loading" role="status">{i18n.t("loading")}</p> }.into_any(),
                Some(r) => view! {
                    <div class="stats">
                        {stat(r.outstanding, "outstanding_points", "outstanding")}
                        {stat(r.pending, "pending_points_admin", "pending")}
                        {stat(r.members, "members_with_points", "holders")}
                        {stat(r.open_vouchers, "open_vouchers", "open-vouchers")}
                    </div>
                    {match (r.outstanding_vnd, r.point_value_vnd) {
                        (Some(owed), Some(value)) => view! {
                            <p class="liability-vnd">
                                <strong>{format_vnd(owed)}</strong>" "
                                {move || i18n.t("liability_vnd_at")}" "{format_vnd(value)}
                                {r.pending_vnd.map(|p| view! {
                                    <span class="muted">" · "{move || i18n.t("pending_points_admin")}": "{format_vnd(p)}</span>
                                })}
                            </p>
                        }.into_any(),
                        _ => view! {
                            <p class="muted liability-vnd">
                                {move || i18n.t("point_value_unset")}" "
                                <a href="/admin/loyalty">{move || i18n.t("nav_loyalty")}</a>
                            </p>
                        }.into_any(),
                    }}
                    <h2>{move || i18n.t("expiring_by_month")}</h2>
                    {if r.expiring_by_month.is_empty() {
                        view! { <p class="muted">{move || i18n.t("nothing_expires")}</p> }.into_any()
                    } else {
                        view! {
                            <table class="list expiring-months">
                                <tbody>
                                    {r.expiring_by_month.into_iter().map(|m| view! {
                                        <tr><td>{month(&m.month)}</td><td>{m.points}</td></tr>
                                    }).collect_view()}
                                    <tr><td>{move || i18n.t("never_expires")}</td><td>{r.never_expiring}</td></tr>
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                }
                .into_any(),
            }}
        </section>
    }
}

/// `2027-12` as `12/2027`, the way readers here write a month.
fn month(label: &str) -> String {
    match label.split_once('-') {
        Some((year, month)) => format!("{month}/{year}"),
        None => label.to_owned(),
    }
}
